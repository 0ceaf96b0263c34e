import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { memberBalance, startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

// UPSTREAM_MAX_ANSWER_BYTES (here its least, 1 MiB): an upstream's answer, or one streamed event,
// past it is not read further; the call fails over or fails like a broken upstream, uncharged.
// The simulator's `pad` fault makes a valid answer as large as asked.
describe('upstream answer bound', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({
      env: { UPSTREAM_MAX_ANSWER_BYTES: String(1024 * 1024), UPSTREAM_MAX_RETRIES: '0' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const chat = (model: string, pad: number, stream = false) =>
    request(t.gw.url)
      .post('/v1/chat/completions')
      .auth(t.key, { type: 'bearer' })
      .set('x-sim-fault', `pad=${pad}`)
      .send({ model, stream, max_tokens: 8, messages: [{ role: 'user', content: 'hello' }] });

  it.each([
    ['OpenAI wire format, whole answer', 'simulator/sim-gpt', false],
    ['OpenAI wire format, one streamed event', 'simulator/sim-gpt', true],
    ['Gemini, whole answer', 'simulator-gemini/sim-gemini', false],
    ['Gemini, one streamed event', 'simulator-gemini/sim-gemini', true],
    // Read by Anthropic's SDK: the bound is on the policy's connections (a stream counts whole).
    ['Anthropic (its SDK), whole answer', 'simulator-anthropic/sim-claude', false],
    ['Anthropic (its SDK), a stream', 'simulator-anthropic/sim-claude', true],
  ])(
    '%s: under the bound it is served, past it refused and nothing charged',
    async (_name, model, stream) => {
      const served = await chat(model, 500_000, stream);
      expect(served.status).toBe(200);
      expect(served.text).toContain('hello');
      const before = await memberBalance(t);
      const refused = await chat(model, 2_000_000, stream);
      expect(refused.status).toBe(502);
      expect(refused.body).toMatchObject({ error: { type: 'upstream_error' } });
      expect((refused.body as { error: { message: string } }).error.message).toMatch(
        /UPSTREAM_MAX_ANSWER_BYTES/,
      );
      expect(await memberBalance(t)).toEqual(before);
    },
  );
});
