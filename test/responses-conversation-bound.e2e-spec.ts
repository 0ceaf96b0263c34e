import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { memberBalance, startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

// A conversation continued by previous_response_id holds at most what one request may carry
// (MAX_BODY_BYTES, small here): past it, 400 before the conversation is read, nothing called or
// charged. On both databases: the bound is read from a column, the conversation from jsonb.
describe.each(['postgres', 'pglite'] as const)('/v1/responses conversation bound (%s)', (database) => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({ database, env: { MAX_BODY_BYTES: '20000' } });
  });
  afterAll(async () => {
    await t?.close();
  });
  const balance = () => memberBalance(t);

  it('continues while the conversation fits, then refuses it with conversation_too_large', async () => {
    // ~6,000 bytes of input, echoed back by the simulator: ~12,000 bytes a turn.
    const words = (word: string) => `${word} `.repeat(1_000);
    const first = await t.client.responses.create({ model: 'sim-gpt', input: words('alpha') });
    const second = await t.client.responses.create({
      model: 'sim-gpt',
      input: words('bravo'),
      previous_response_id: first.id,
    });
    expect(second.output_text).toContain('echo: bravo');
    const before = await balance();
    t.sim.clearRequests();
    const res = await request(t.gw.url)
      .post('/v1/responses')
      .auth(t.key, { type: 'bearer' })
      .send({ model: 'sim-gpt', input: 'and then?', previous_response_id: second.id });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: {
        type: 'invalid_request_error',
        code: 'conversation_too_large',
        param: 'previous_response_id',
      },
    });
    expect((res.body as { error: { message: string } }).error.message).toMatch(
      /holds \d+ bytes, more than one request may carry \(MAX_BODY_BYTES, 20000\)/,
    );
    expect(t.sim.requests).toHaveLength(0);
    expect(await balance()).toEqual(before);
    // The stored response is still there to read, and an earlier turn can still be continued.
    expect((await t.client.responses.retrieve(second.id)).output_text).toContain('echo: bravo');
    const items = await t.client.responses.inputItems.list(second.id);
    expect(JSON.stringify(items.data)).toContain('bravo');
    const branch = await t.client.responses.create({
      model: 'sim-gpt',
      input: 'charlie',
      previous_response_id: first.id,
    });
    expect(branch.output_text).toBe('echo: charlie');
  });
});
