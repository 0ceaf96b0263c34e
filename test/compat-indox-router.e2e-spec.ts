import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import request from 'supertest';
import { createApiKey } from './support/session.js';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { TEST_ADMIN } from './support/test-gateway.js';

/** IndoxRouter's documented calls (shared/seeds, docs/compat.md), unchanged but for the host. */
describe('compat: IndoxRouter', () => {
  let t: LlmGateway;
  /** The openai SDK pointed at IndoxRouter's base URL. */
  let indox: OpenAI;
  beforeAll(async () => {
    t = await startLlmGateway();
    indox = new OpenAI({ baseURL: `${t.gw.url}/api/v1`, apiKey: t.key, maxRetries: 0, timeout: 20_000 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('POST /api/v1/auth/login takes {"username","password"} (the username is the email)', async () => {
    const res = await request(t.gw.url)
      .post('/api/v1/auth/login')
      .send({ username: TEST_ADMIN.email, password: TEST_ADMIN.password })
      .expect(200);
    expect(res.body).toMatchObject({ token_type: 'bearer', access_token: expect.any(String) });
    const wrong = await request(t.gw.url)
      .post('/api/v1/auth/login')
      .send({ username: TEST_ADMIN.email, password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.type).toBe('authentication_error');
    const missing = await request(t.gw.url).post('/api/v1/auth/login').send({ password: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.param).toBe('email');
  });

  it('POST /api/v1/chat/completions with a JWT and no model: the default chat model answers', async () => {
    const res = await request(t.gw.url)
      .post('/api/v1/chat/completions')
      .auth(t.member.token, { type: 'bearer' })
      .send({
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'Hello, how are you?' },
        ],
      })
      .expect(200);
    expect(res.body.object).toBe('chat.completion');
    expect(res.body.model).toBe('simulator/sim-gpt');
    expect(res.body.choices[0].message.content).toBe('echo: Hello, how are you?');
    expect(res.body.usage.cost).toMatch(/^\d+\.\d+$/);
    expect(res.headers['x-switchyard-model']).toBe('simulator/sim-gpt');
    expect(res.headers['x-ratelimit-limit-requests']).toBeTruthy();
  });

  it('POST /api/v1/chat/completions through the openai SDK with an API key answers as /v1 does', async () => {
    const body = { model: 'simulator/sim-gpt', messages: [{ role: 'user' as const, content: 'twin' }] };
    const alias = await indox.chat.completions.create(body);
    const twin = await t.client.chat.completions.create(body);
    expect({ ...alias, id: '', created: 0 }).toEqual({ ...twin, id: '', created: 0 });
    const stream = await indox.chat.completions.create({ ...body, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: twin');
  });

  it('POST /api/v1/completions, /api/v1/embeddings, /api/v1/images/generations answer as /v1', async () => {
    const completion = await indox.completions.create({ model: 'simulator/sim-gpt', prompt: 'Say hi' });
    expect(completion.object).toBe('text_completion');
    expect(completion.choices[0]!.text.length).toBeGreaterThan(0);
    const embedding = await indox.embeddings.create({ model: 'simulator/sim-embed', input: 'hello' });
    expect(embedding.data[0]!.embedding.length).toBeGreaterThan(0);
    const twin = await t.client.embeddings.create({ model: 'simulator/sim-embed', input: 'hello' });
    expect(embedding.data[0]!.embedding).toEqual(twin.data[0]!.embedding);
    const image = await indox.images.generate({
      model: 'simulator/sim-image',
      prompt: 'a lighthouse',
      response_format: 'b64_json',
    });
    expect(image.data![0]!.b64_json!.length).toBeGreaterThan(0);
  });

  it('a bad body is a 400 in the OpenAI envelope, nothing charged', async () => {
    const before = await request(t.gw.url)
      .get('/api/v1/credits/balance')
      .auth(t.member.token, { type: 'bearer' })
      .expect(200);
    const res = await request(t.gw.url)
      .post('/api/v1/chat/completions')
      .set('authorization', `Bearer ${t.key}`)
      .send({ messages: [{ role: 'user' }] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'messages[0].content' });
    const notJson = await request(t.gw.url)
      .post('/api/v1/chat/completions')
      .set('authorization', `Bearer ${t.key}`)
      .set('content-type', 'application/json')
      .send('{"messages": [');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.type).toBe('invalid_request_error');
    const after = await request(t.gw.url)
      .get('/api/v1/credits/balance')
      .auth(t.member.token, { type: 'bearer' })
      .expect(200);
    expect(after.body.balance).toBe(before.body.balance);
  });

  it('aliases refuse like their twins: 401 without a key, 402 without credits, 429 over the limit', async () => {
    const none = await request(t.gw.url).post('/api/v1/chat/completions').send({ messages: [] });
    expect(none.status).toBe(401);
    expect(none.body.error.type).toBe('authentication_error');

    const { key: poor } = await createApiKey(t.gw.url, t.member.token, { credit_budget: '0.000001' });
    const broke = await request(t.gw.url)
      .post('/api/v1/chat/completions')
      .set('authorization', `Bearer ${poor}`)
      .send({ messages: [{ role: 'user', content: 'hello' }] });
    expect(broke.status).toBe(402);
    expect(broke.body.error.type).toBe('insufficient_credits');

    const { key: slow } = await createApiKey(t.gw.url, t.member.token, { rpm: 1 });
    const call = () =>
      request(t.gw.url)
        .post('/api/v1/embeddings')
        .set('authorization', `Bearer ${slow}`)
        .send({ model: 'simulator/sim-embed', input: 'x' });
    expect((await call()).status).toBe(200);
    const limited = await call();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeTruthy();
    expect(limited.body.error.type).toBe('rate_limit_error');
  });

  it('every alias is in the OpenAPI document under the compat tag', async () => {
    const doc = (await request(t.gw.url).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    for (const path of [
      '/api/v1/chat/completions',
      '/api/v1/completions',
      '/api/v1/embeddings',
      '/api/v1/images/generations',
    ]) {
      expect(doc.paths[path]?.post?.tags).toEqual(['compat']);
    }
  });

  it('GET /redoc serves ReDoc over /docs-json, its bundle from this origin', async () => {
    const page = await request(t.gw.url).get('/redoc').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('spec-url="/docs-json"');
    expect(page.text).toContain('src="/redoc/redoc.standalone.js"');
    expect(page.text).not.toMatch(/https?:\/\//);
    const bundle = await request(t.gw.url).get('/redoc/redoc.standalone.js').expect(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(bundle.text.length).toBeGreaterThan(100_000);
  });
});
