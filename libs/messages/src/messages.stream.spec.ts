import { describe, expect, it } from '@jest/globals';
import { MessagesEventMapper, type InternalChunk } from './messages.stream.js';

const chunk = (delta: object, finish: string | null = null, extra: object = {}): InternalChunk => ({
  id: 'chatcmpl-msg_s',
  model: 'p/m',
  choices: [{ delta, finish_reason: finish, ...extra }],
});

function run(chunks: InternalChunk[], last?: InternalChunk) {
  const sut = new MessagesEventMapper('req_1');
  return [...chunks.flatMap((c) => sut.map(c)), ...sut.end(last)];
}

describe('MessagesEventMapper', () => {
  it('opens blocks as their kind begins, indexes them 0.., and ends with message_delta and message_stop', () => {
    const events = run(
      [
        chunk({ role: 'assistant', content: '' }),
        chunk({ reasoning_content: 'think ' }),
        chunk({ reasoning_content: 'more' }),
        chunk({ thinking_blocks: [{ type: 'thinking', thinking: '', signature: 'sig' }] }),
        chunk({ content: 'Hello' }),
        chunk({ content: ' world' }),
        chunk({ tool_calls: [{ index: 0, id: 'c1', function: { name: 'f', arguments: '' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
        chunk({ tool_calls: [{ index: 1, id: 'c2', function: { name: 'g', arguments: '{}' } }] }),
        chunk({}, 'tool_calls'),
      ],
      {
        choices: [],
        usage: { prompt_tokens: 12, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 2 } },
      },
    );
    expect(
      events.map(
        (e) =>
          `${e.type}${'index' in e ? `#${e.index}` : ''}${'delta' in e && 'type' in e.delta ? `:${e.delta.type}` : ''}`,
      ),
    ).toEqual([
      'message_start',
      'ping',
      'content_block_start#0',
      'content_block_delta#0:thinking_delta',
      'content_block_delta#0:thinking_delta',
      'content_block_delta#0:signature_delta',
      'content_block_stop#0',
      'content_block_start#1',
      'content_block_delta#1:text_delta',
      'content_block_delta#1:text_delta',
      'content_block_stop#1',
      'content_block_start#2',
      'content_block_delta#2:input_json_delta',
      'content_block_delta#2:input_json_delta',
      'content_block_stop#2',
      'content_block_start#3',
      'content_block_delta#3:input_json_delta',
      'content_block_stop#3',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({
      message: { id: 'msg_s', model: 'p/m', role: 'assistant', content: [] },
    });
    expect(events[11]).toMatchObject({ content_block: { type: 'tool_use', id: 'c1', name: 'f', input: {} } });
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: {
        input_tokens: 10,
        output_tokens: 5,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 2,
      },
    });
  });

  it('reports a stop sequence and a redacted block, and starts even an empty stream properly', () => {
    const events = run([
      chunk({ thinking_blocks: [{ type: 'redacted_thinking', data: 'xyz' }] }),
      chunk({ content: 'a' }),
      chunk({}, 'stop', { stop_sequence: 'END' }),
    ]);
    expect(events[2]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'redacted_thinking', data: 'xyz' },
    });
    expect(events[3]).toEqual({ type: 'content_block_stop', index: 0 });
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' } });
    expect(run([]).map((e) => e.type)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop']);
  });
});
