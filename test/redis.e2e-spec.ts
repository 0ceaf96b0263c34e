import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TPM_WINDOW_MS, tpmCounterKey } from '@switchyard/auth';
import { CounterStore } from '@switchyard/core';
import request from 'supertest';
import { createApiKey, loginAdmin, seedTenant } from './support/session.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two gateway instances on one Postgres and one Redis, as behind a load balancer. */
describe('two instances sharing Redis', () => {
  let a: TestGateway;
  let b: TestGateway;
  let adminToken: string;
  beforeAll(async () => {
    a = await startTestGateway({ env: { REDIS_URL } });
    b = await startTestGateway({ databaseUrl: a.databaseUrl, env: { REDIS_URL } });
    adminToken = await loginAdmin(a.url);
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
  });

  it('reports Redis in readiness', async () => {
    const res = await request(a.url).get('/api/v1/health/ready').expect(200);
    expect(res.body.details.redis.status).toBe('up');
  });

  it("holds a key's requests per minute across both instances", async () => {
    const { member } = await seedTenant(a.url, adminToken);
    const { key } = await createApiKey(a.url, member.token, { rpm: 4 });
    for (const gw of [a, b, a, b])
      await request(gw.url).get('/api/v1/auth/me').set('x-api-key', key).expect(200);
    const onA = await request(a.url).get('/api/v1/auth/me').set('x-api-key', key).expect(429);
    expect(onA.body.error.code).toBe('rate_limit_exceeded');
    await request(b.url).get('/api/v1/auth/me').set('x-api-key', key).expect(429);
  });

  it("holds a key's tokens per minute across both instances (the counter lives in Redis)", async () => {
    const { member } = await seedTenant(a.url, adminToken);
    const { id, key } = await createApiKey(a.url, member.token, { tpm: 50 });
    // Calls settled on instance A used 60 tokens this minute.
    await a.app.get(CounterStore).increment(tpmCounterKey(id), TPM_WINDOW_MS, 60);
    const onB = await request(b.url)
      .post('/v1/chat/completions')
      .set('x-api-key', key)
      .send({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content: 'hi' }] })
      .expect(429);
    expect(onB.body.error.code).toBe('tokens_rate_limit_exceeded');
    expect(onB.headers['x-ratelimit-remaining-tokens']).toBe('0');
    // Listing models spends no tokens: not held back.
    await request(b.url).get('/v1/models').set('x-api-key', key).expect(200);
  });

  it('revokes a key on every instance at once, though the other had it cached', async () => {
    const { member } = await seedTenant(a.url, adminToken);
    const { id, key } = await createApiKey(a.url, member.token);
    await request(b.url).get('/api/v1/auth/me').set('x-api-key', key).expect(200);
    await request(a.url).delete(`/api/v1/api-keys/${id}`).auth(member.token, { type: 'bearer' }).expect(200);
    // Pub/sub delivery is asynchronous; it takes well under a second.
    const deadline = Date.now() + 2000;
    let status = 200;
    while (Date.now() < deadline && status === 200) {
      status = (await request(b.url).get('/api/v1/auth/me').set('x-api-key', key)).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(401);
  });

  it('counts failed logins for an account across instances', async () => {
    const { admin } = await seedTenant(a.url, adminToken);
    for (const gw of [a, b, a, b, a]) {
      await request(gw.url)
        .post('/api/v1/auth/login')
        .send({ email: admin.email, password: 'not-the-password' })
        .expect(401);
    }
    await request(b.url)
      .post('/api/v1/auth/login')
      .send({ email: admin.email, password: admin.password })
      .expect(429);
  });
});
