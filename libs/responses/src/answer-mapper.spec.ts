import { describe, expect, it } from '@jest/globals';
import { responseUsage, toResponse } from './answer-mapper.js';
import { decodeReasoning } from './reasoning-carrier.js';
import type { ResponseEcho } from './responses.types.js';

const echo = { id: 'resp_1', created_at: 1, model: 'm', store: true } as ResponseEcho;

describe('toResponse', () => {
  it('presents reasoning, text and calls as output items, in that order', () => {
    const { response, assistant } = toResponse(
      {
        model: 'p/m',
        choices: [
          {
            finish_reason: 'tool_calls',
            message: {
              content: 'let me check',
              reasoning_content: 'hmm',
              thinking_blocks: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }],
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
            },
          },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12, cost: '0.5' },
      },
      echo,
      true,
    );
    expect(response.status).toBe('completed');
    expect(response.model).toBe('p/m');
    expect(response.output.map((o) => o.type)).toEqual(['reasoning', 'message', 'function_call']);
    const reasoning = response.output[0] as { content: unknown; encrypted_content: string };
    expect(reasoning.content).toEqual([{ type: 'reasoning_text', text: 'hmm' }]);
    expect(decodeReasoning(reasoning.encrypted_content)?.thinkingBlocks?.[0]).toMatchObject({
      signature: 'sig',
    });
    expect(response.output[2]).toMatchObject({ call_id: 'call_1', name: 'f', arguments: '{}' });
    expect(assistant).toMatchObject({ role: 'assistant', content: 'let me check', reasoning_content: 'hmm' });
  });

  it('marks a cut answer incomplete, for max_output_tokens or the content filter', () => {
    const cut = (finish: string) =>
      toResponse({ model: 'm', choices: [{ finish_reason: finish, message: { content: 'a' } }] }, echo, false)
        .response;
    expect(cut('length')).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
    expect(cut('content_filter').incomplete_details).toEqual({ reason: 'content_filter' });
    expect(cut('length').output[0]).toMatchObject({ status: 'incomplete' });
  });

  it('maps usage with cached and reasoning tokens and the cost', () => {
    expect(
      responseUsage({
        prompt_tokens: 10,
        completion_tokens: 4,
        total_tokens: 14,
        prompt_tokens_details: { cached_tokens: 6 },
        completion_tokens_details: { reasoning_tokens: 3 },
        cost: '0.1',
      }),
    ).toEqual({
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 6 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 3 },
      total_tokens: 14,
      cost: '0.1',
    });
  });
});
