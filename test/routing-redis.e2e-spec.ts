import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import request from 'supertest';
import { startSimulator, type Simulator } from '../apps/simulator/src/index.js';
import { createApiKey, loginAdmin, seedTenant } from './support/session.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Routes and the performance tracker on two instances that share one Postgres and one Redis. */
describe('routing on two instances sharing Redis', () => {
  let sim: Simulator;
  let a: TestGateway;
  let b: TestGateway;
  let adminToken: string;
  let tenant: Awaited<ReturnType<typeof seedTenant>>;
  let clientA: OpenAI;
  let clientB: OpenAI;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, host: '127.0.0.1' });
    const env = { REDIS_URL, SIMULATOR_URL: sim.url };
    a = await startTestGateway({ env });
    b = await startTestGateway({ databaseUrl: a.databaseUrl, env });
    adminToken = await loginAdmin(a.url);
    tenant = await seedTenant(a.url, adminToken);
    const { key } = await createApiKey(a.url, tenant.member.token);
    clientA = new OpenAI({ baseURL: `${a.url}/v1`, apiKey: key, maxRetries: 0 });
    clientB = new OpenAI({ baseURL: `${b.url}/v1`, apiKey: key, maxRetries: 0 });
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
    await sim?.close();
  });

  it('a route created on one instance serves on the other within a second; a change too', async () => {
    const created = await request(a.url)
      .post('/api/v1/routes')
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ name: 'shared-route', strategy: 'fallback', targets: [{ model: 'simulator/sim-gpt' }] })
      .expect(201);
    await sleep(1000);
    const first = await clientB.chat.completions.create({
      model: 'shared-route',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(first.model).toBe('simulator/sim-gpt');
    await request(a.url)
      .patch(`/api/v1/routes/${created.body.id}`)
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ targets: [{ model: 'simulator/sim-gpt-mini' }] })
      .expect(200);
    await sleep(1000);
    const second = await clientB.chat.completions.create({
      model: 'shared-route',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(second.model).toBe('simulator/sim-gpt-mini');
  });

  it('the tracker’s window covers both instances', async () => {
    // A model name no other test uses, so the shared Redis counters are this test's alone.
    const model = `sim-gpt-tracker-${randomBytes(4).toString('hex')}`;
    for (let i = 0; i < 6; i++)
      await clientA.chat.completions.create({
        model: `simulator/${model}`,
        messages: [{ role: 'user', content: 'a' }],
      });
    for (let i = 0; i < 4; i++)
      await clientB.chat.completions.create({
        model: `simulator/${model}`,
        messages: [{ role: 'user', content: 'b' }],
      });
    await sleep(2500);
    for (const gw of [a, b]) {
      const stats = await request(gw.url)
        .get(`/api/v1/models/simulator/${model}/stats`)
        .auth(tenant.member.token, { type: 'bearer' })
        .expect(200);
      expect(stats.body).toMatchObject({ calls: 10, shared: true });
      expect(stats.body.ttft_ms).toBeGreaterThan(0);
    }
  });
});
