import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { fundMember, startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

/**
 * More parts than a JavaScript spread takes as arguments (~125,000 here): a mapping that pushed
 * a message's parts with `push(...parts)` threw `RangeError: Maximum call stack size exceeded`
 * on such a request. 150,000 one-letter parts are a ~4 MB body, well under MAX_BODY_BYTES.
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
});
