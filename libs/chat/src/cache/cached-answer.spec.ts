import { describe, expect, it } from '@jest/globals';
import { chunksFromCompletion, completionFromChunks } from './cached-answer.js';

const id = { id: 'chatcmpl-1', created: 1, model: 'simulator/sim-gpt' };
const chunk = (delta: object, finish: string | null = null) => ({
  ...id,
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

describe('the two forms of a cached answer', () => {
  it('folds a stream with text, reasoning and split tool-call arguments into its completion', () => {
    const sut = completionFromChunks([
      chunk({ role: 'assistant', content: '' }),
      chunk({ reasoning_content: 'think' }),
      chunk({ reasoning_content: 'ing' }),
      chunk({ thinking_blocks: [{ type: 'thinking', thinking: 'thinking', signature: 's' }] }),
      chunk({ content: 'Hello' }),
      chunk({ content: ' there' }),
      chunk({
        tool_calls: [
          { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a"' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expect(sut).toEqual({
      ...id,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          logprobs: null,
          message: {
            role: 'assistant',
            content: 'Hello there',
            reasoning_content: 'thinking',
            thinking_blocks: [{ type: 'thinking', thinking: 'thinking', signature: 's' }],
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
        },
      ],
    });
  });

  it('splits a completion into live-shaped chunks that fold back into the same message', () => {
    const completion = {
      ...id,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          logprobs: null,
          message: {
            role: 'assistant',
            content: 'Hi',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
        },
      ],
    };
    const sut = chunksFromCompletion(completion);
    expect(sut[0]).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [{ delta: { role: 'assistant', content: '' } }],
    });
    expect(sut.at(-1)).toMatchObject({ choices: [{ delta: {}, finish_reason: 'stop' }] });
    expect(completionFromChunks(sut)).toEqual(completion);
  });
});
