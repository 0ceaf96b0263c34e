import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { fundMember, startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

/**
 * More parts than a JavaScript spread takes as arguments (~125,000 here): a mapping that pushed
 * a message's parts with `push(...parts)` threw `RangeError: Maximum call stack size exceeded`
 * on such a request. 150,000 one-letter parts are a ~4 MB body, well under MAX_BODY_BYTES.
 * Chat's message parts and the Messages dialect's document blocks and tool results each had one.
 */
const PARTS = Array.from({ length: 150_000 }, () => ({ type: 'text', text: 'a' }));

describe('a message of 150,000 content parts', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway();
    // 150,000 input tokens cost more than the signup credits.
    await fundMember(t, '100000');
  });
  afterAll(async () => {
    await t?.close();
  });

  const chat = (model: string, messages: unknown[]) =>
    request(t.gw.url)
      .post('/v1/chat/completions')
      .auth(t.key, { type: 'bearer' })
      .send({ model, max_tokens: 4, messages });

  // Anthropic's request joins consecutive messages of one role, and takes system text as blocks.
  it.each([
    ['simulator-anthropic/sim-claude', 'after another user message'],
    ['simulator-anthropic/sim-claude', 'as system text'],
    ['simulator-gemini/sim-gemini', 'after another user message'],
    ['simulator/sim-gpt', 'after another user message'],
  ])(
    '%s serves it, %s',
    async (model, where) => {
      const messages =
        where === 'as system text'
          ? [
              { role: 'system', content: PARTS },
              { role: 'user', content: 'hi' },
            ]
          : [
              { role: 'user', content: 'hi' },
              { role: 'user', content: PARTS },
            ];
      const res = await chat(model, messages);
      expect({ status: res.status, error: (res.body as { error?: unknown }).error }).toEqual({
        status: 200,
        error: undefined,
      });
      expect((res.body as { usage: { prompt_tokens: number } }).usage.prompt_tokens).toBeGreaterThan(100_000);
    },
    60_000,
  );

  const messages = (model: string, body: unknown[]) =>
    request(t.gw.url)
      .post('/v1/messages')
      .set('x-api-key', t.key)
      .set('anthropic-version', '2023-06-01')
      .send({ model, max_tokens: 4, messages: body });

  // A document whose source is content blocks becomes one part per block; each tool_result block
  // becomes its own tool message (after an assistant turn that called the tool as many times).
  const N = 150_000;
  const ids = Array.from({ length: N }, (_, i) => `toolu_${i}`);
  it.each([
    ['simulator-anthropic/sim-claude', 'a document of 150,000 content blocks'],
    ['simulator/sim-gpt', 'a document of 150,000 content blocks'],
    ['simulator-anthropic/sim-claude', '150,000 tool results'],
    ['simulator-gemini/sim-gemini', '150,000 tool results'],
    ['simulator/sim-gpt', '150,000 tool results'],
  ])(
    '/v1/messages to %s serves %s',
    async (model, what) => {
      const body =
        what === '150,000 tool results'
          ? [
              { role: 'user', content: 'call f for each' },
              {
                role: 'assistant',
                content: ids.map((id) => ({ type: 'tool_use', id, name: 'f', input: {} })),
              },
              {
                role: 'user',
                content: ids.map((id) => ({ type: 'tool_result', tool_use_id: id, content: 'a' })),
              },
            ]
          : [
              {
                role: 'user',
                content: [
                  { type: 'document', source: { type: 'content', content: PARTS } },
                  { type: 'text', text: 'summarise' },
                ],
              },
            ];
      const res = await messages(model, body);
      expect({ status: res.status, error: (res.body as { error?: unknown }).error }).toEqual({
        status: 200,
        error: undefined,
      });
      expect((res.body as { usage: { input_tokens: number } }).usage.input_tokens).toBeGreaterThan(100_000);
    },
    60_000,
  );
});
