import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { unique } from './support/session.js';

/** Each 5xx the route fuzz (test/route-fuzz.e2e-spec.ts) found, as the 400 it now is. */
describe('route fuzz regressions', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  const admin = () => ({ authorization: `Bearer ${t.adminToken}` });

  const expectInvalid = (res: request.Response, param: string | null, code = 'invalid_value') => {
    expect({ status: res.status, body: res.body as unknown }).toEqual({
      status: 400,
      body: { error: { message: expect.any(String), type: 'invalid_request_error', code, param } },
    });
  };

  const nested = (depth: number): unknown => {
    let value: unknown = 'x';
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };

  describe('a JSON body nested thousands of levels deep (a stack overflow in class-transformer)', () => {
    it.each([
      ['/api/v1/auth/login', nested(3_000)],
      [
        '/api/v1/provider-keys/import',
        { provider: 'simulator', keys: [{ key: 'sk-sim-12345678', name: nested(3_000) }] },
      ],
      ['/api/v1/api-keys', { name: 'k', user_id: nested(3_000) }],
      [
        '/v1/chat/completions',
        { model: 'simulator/sim-gpt', messages: [{ role: 'user', content: 'hi' }], metadata: nested(3_000) },
      ],
    ])('%s answers 400 invalid_json', async (path, body) => {
      const res = await request(t.gw.url)
        .post(path)
        .set(admin())
        .send(body as object);
      expectInvalid(res, null, 'invalid_json');
    });

    it('takes a body nested as deep as real requests go', async () => {
      const res = await request(t.gw.url)
        .post('/v1/chat/completions')
        .set(admin())
        .send({
          model: 'simulator/sim-gpt',
          messages: [{ role: 'user', content: 'hi' }],
          metadata: nested(40),
        });
      expect(res.status).toBe(200);
    });
  });

  describe('text Postgres cannot store or compare (NUL, unpaired surrogates)', () => {
    it('a NUL in a query filter', async () => {
      const res = await request(t.gw.url).get('/api/v1/activity-logs?provider=simulator%00').set(admin());
      expectInvalid(res, 'provider');
    });

    it('a NUL in a path parameter', async () => {
      const res = await request(t.gw.url).delete('/api/v1/models/a%00b/sim-gpt/override').set(admin());
      expectInvalid(res, 'provider');
    });

    it('an unpaired surrogate or a NUL in a body field', async () => {
      const surrogate = await request(t.gw.url)
        .post('/api/v1/tenants')
        .set(admin())
        .set('content-type', 'application/json')
        .send('{"name":"acme \\ud800"}');
      expectInvalid(surrogate, 'name');
      const nul = await request(t.gw.url).post('/api/v1/tenants').set(admin()).send({ name: 'acme\u0000' });
      expectInvalid(nul, 'name');
      const key = await request(t.gw.url)
        .post('/api/v1/provider-keys/import')
        .set(admin())
        .send({ provider: 'simulator', keys: [{ key: 'sk-sim-12345678', name: 'a\u0000' }] });
      expectInvalid(key, 'keys[0].name');
    });

    it('an unpaired surrogate in a body a service validates itself (the orchestration policy)', async () => {
      const res = await request(t.gw.url)
        .put('/api/v1/orchestration/policy')
        .auth(t.tenantAdmin.token, { type: 'bearer' })
        .set('content-type', 'application/json')
        .send('{"roles":{"judge":["\\udbff\\udbff","simulator/sim-gpt"]}}');
      expectInvalid(res, 'roles.judge[0]');
    });
  });

  it.each([
    [
      '/v1/chat/completions',
      { model: 'simulator/sim-gpt\u0000', messages: [{ role: 'user', content: 'hi' }] },
    ],
    ['/v1/embeddings', { model: 'simulator/sim-embed\u0007', input: 'hi' }],
    ['/v1/images/generations', { model: 'simulator/sim-image\u0000', prompt: 'a cat' }],
    ['/v1/audio/speech', { model: 'simulator/sim-tts\u001f', input: 'hi', voice: 'alloy' }],
  ])(
    '%s refuses a model name with a control character (the simulator took it, the ledger could not store it)',
    async (path, body) => {
      expectInvalid(await request(t.gw.url).post(path).set(admin()).send(body), 'model');
    },
  );

  it('refuses a model name with an unpaired surrogate', async () => {
    const res = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set(admin())
      .set('content-type', 'application/json')
      .send('{"model":"simulator/sim-gpt\\udc00","messages":[{"role":"user","content":"hi"}]}');
    expectInvalid(res, 'model');
  });

  describe('null on a field that is optional but not nullable (a NOT NULL violation)', () => {
    it('PATCH /tenants/{id} with status: null is a 400; default_rpm: null (declared nullable) clears it', async () => {
      const tenant = await request(t.gw.url)
        .post('/api/v1/tenants')
        .set(admin())
        .send({ name: unique('t') })
        .expect(201);
      const id = tenant.body.id as string;
      expectInvalid(
        await request(t.gw.url).patch(`/api/v1/tenants/${id}`).set(admin()).send({ status: null }),
        'status',
      );
      expectInvalid(
        await request(t.gw.url).patch(`/api/v1/tenants/${id}`).set(admin()).send({ name: null }),
        'name',
      );
      await request(t.gw.url)
        .patch(`/api/v1/tenants/${id}`)
        .set(admin())
        .send({ default_rpm: 60 })
        .expect(200);
      const cleared = await request(t.gw.url)
        .patch(`/api/v1/tenants/${id}`)
        .set(admin())
        .send({ default_rpm: null })
        .expect(200);
      expect(cleared.body.default_rpm).toBeNull();
    });

    it('a null inside a nested DTO names its path', async () => {
      const res = await request(t.gw.url)
        .put('/api/v1/models/simulator/sim-gpt-mini')
        .set(admin())
        .send({ pricing: { inputPerMTok: null } });
      expectInvalid(res, 'pricing.inputPerMTok');
    });
  });

  it('transcribes through a vault key (an upload through the outbound policy, which sent "[object FormData]")', async () => {
    await request(t.gw.url)
      .post('/api/v1/provider-keys')
      .set(admin())
      .send({ provider: 'simulator', key: 'sk-sim-vault-0001', name: 'vault' })
      .expect(201);
    const speech = await request(t.gw.url)
      .post('/v1/audio/speech')
      .set(admin())
      .send({ model: 'simulator/sim-tts', input: 'Hello there', voice: 'alloy', response_format: 'wav' })
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const res = await request(t.gw.url)
      .post('/v1/audio/transcriptions')
      .set(admin())
      .field('model', 'simulator/sim-whisper')
      .attach('file', speech.body as Buffer, 'hello.wav');
    expect({ status: res.status, text: res.body.text as unknown }).toEqual({
      status: 200,
      text: 'Hello there',
    });
    expect(t.sim.requests.at(-1)).toMatchObject({
      path: '/v1/audio/transcriptions',
      apiKey: 'sk-sim-vault-0001',
    });
  });

  describe('embeddings input the tokenizer choked on', () => {
    it('one long unbroken word is counted in milliseconds, not minutes (quadratic BPE)', async () => {
      for (const model of ['simulator/sim-embed', 'simulator-gemini/sim-gemini-embed']) {
        const started = Date.now();
        const res = await request(t.gw.url)
          .post('/v1/embeddings')
          .set(admin())
          .send({ model, input: 'x'.repeat(200_000) });
        expect({ model, status: res.status }).toEqual({ model, status: 200 });
        expect(Date.now() - started).toBeLessThan(5_000);
      }
    });

    it('special-token text is text (the Gemini usage count threw on it: 502)', async () => {
      const res = await request(t.gw.url)
        .post('/v1/embeddings')
        .set(admin())
        .send({ model: 'simulator-gemini/sim-gemini-embed', input: 'the end <|endoftext|>' });
      expect(res.status).toBe(200);
      expect(res.body.usage.prompt_tokens).toBeGreaterThan(3);
    });
  });

  it('a provider key that cannot travel in an HTTP header is refused, not stored to break every call', async () => {
    const res = await request(t.gw.url)
      .post('/api/v1/provider-keys')
      .set(admin())
      .send({ provider: 'simulator', key: 'sk-proj-…', name: 'ellipsis' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'key' });
    // And the simulator still answers through the keys that are stored.
    const chat = await t.client.chat.completions.create({
      model: 'simulator/sim-gpt',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(chat.choices[0]?.message.content).toBe('echo: hi');
  });
});
