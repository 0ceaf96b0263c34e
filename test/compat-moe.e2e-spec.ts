import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createApiKey } from './support/session.js';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

/** The MoE system's documented calls (shared/seeds, docs/compat.md), with a Switchyard key. */
describe('compat: MoE', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("POST /openai answers a chat; with no model it is 'auto' (moe_metadata on the answer)", async () => {
    const res = await request(t.gw.url)
      .post('/openai')
      .set('authorization', `Bearer ${t.key}`)
      .send({ messages: [{ role: 'user', content: 'Explain quantum physics briefly' }] })
      .expect(200);
    expect(res.body.object).toBe('chat.completion');
    expect(res.body.choices[0].message.content.length).toBeGreaterThan(0);
    expect(res.body.moe_metadata).toBeDefined();
    expect(res.body.usage.cost).toMatch(/^\d+\.\d+$/);
    const plain = await request(t.gw.url)
      .post('/openai')
      .set('authorization', `Bearer ${t.key}`)
      .send({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content: 'Hi' }] })
      .expect(200);
    expect(plain.body.choices[0].message.content).toBe('echo: Hi');
    expect(plain.headers['x-switchyard-model']).toBe('simulator/sim-gpt');
  });

  it('GET /ask/{prompt} and GET /ask?q= answer as JSON with the text and moe_metadata', async () => {
    const path = await request(t.gw.url)
      .get(`/ask/${encodeURIComponent('Create a diagram of the solar system')}`)
      .set('x-api-key', t.key)
      .expect(200);
    expect(path.headers['content-type']).toMatch(/application\/json/);
    expect(typeof path.body.text).toBe('string');
    expect(path.body.text.length).toBeGreaterThan(0);
    expect(path.body.images).toEqual(expect.any(Array));
    expect(path.body.audio).toEqual(expect.any(Array));
    expect(path.body.moe_metadata).toBeDefined();
    const query = await request(t.gw.url)
      .get('/ask')
      .query({ q: 'What is 2+2?' })
      .set('authorization', `Bearer ${t.key}`)
      .expect(200);
    expect(query.body.text.length).toBeGreaterThan(0);
    expect(Number(query.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(query.body)));
  });

  it('refuses like /v1: no key 401, a bad body 400, no prompt 400, 429 over the limit', async () => {
    const none = await request(t.gw.url).get('/ask/hello');
    expect(none.status).toBe(401);
    expect(none.body.error.type).toBe('authentication_error');
    const badJson = await request(t.gw.url)
      .post('/openai')
      .set('authorization', `Bearer ${t.key}`)
      .set('content-type', 'application/json')
      .send('{"messages": [');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.type).toBe('invalid_request_error');
    const badBody = await request(t.gw.url)
      .post('/openai')
      .set('authorization', `Bearer ${t.key}`)
      .send({ messages: 'hello' });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.param).toBe('messages');
    const empty = await request(t.gw.url).get('/ask').set('authorization', `Bearer ${t.key}`);
    expect(empty.status).toBe(400);
    expect(empty.body.error.param).toBe('q');
    const { key: slow } = await createApiKey(t.gw.url, t.member.token, { rpm: 1 });
    expect((await request(t.gw.url).get('/ask/one').set('x-api-key', slow)).status).toBe(200);
    const limited = await request(t.gw.url).get('/ask/two').set('x-api-key', slow);
    expect(limited.status).toBe(429);
    expect(limited.body.error.type).toBe('rate_limit_error');
  });

  it('402 without credits on /openai', async () => {
    const { key: poor } = await createApiKey(t.gw.url, t.member.token, { credit_budget: '0.000001' });
    const res = await request(t.gw.url)
      .post('/openai')
      .set('authorization', `Bearer ${poor}`)
      .send({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.status).toBe(402);
    expect(res.body.error.type).toBe('insufficient_credits');
  });
});

describe('compat: MoE registry view', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('GET /api/v1/models?capability=...&tier=... lists the matching models with their tier', async () => {
    const all = await request(t.gw.url).get('/api/v1/models').set('x-api-key', t.key).expect(200);
    const models = (all.body as Array<{ models: Array<{ tier: string; capabilities: string[] }> }>).flatMap(
      (p) => p.models,
    );
    expect(models.every((m) => ['free', 'low', 'standard', 'premium'].includes(m.tier))).toBe(true);
    const res = await request(t.gw.url)
      .get('/api/v1/models')
      .query({ capability: 'images', tier: 'standard' })
      .set('x-api-key', t.key)
      .expect(200);
    const found = (
      res.body as Array<{ models: Array<{ id: string; tier: string; capabilities: string[] }> }>
    ).flatMap((p) => p.models);
    expect(found.length).toBeGreaterThan(0);
    for (const m of found) {
      expect(m.capabilities).toContain('images');
      expect(m.tier).toBe('standard');
    }
    const bad = await request(t.gw.url).get('/api/v1/models').query({ tier: 'gold' }).set('x-api-key', t.key);
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('tier');
  });
});
