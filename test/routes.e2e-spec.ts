import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, seedTenant } from './support/session.js';

const messages = [{ role: 'user' as const, content: 'route me' }];

/**
 * Named routes end to end: created over the management API, called with the official SDK as
 * `model: "<route>"`, served by the simulator; each strategy's choices counted over many calls.
 */
describe('routes', () => {
  let t: LlmGateway;
  let other: Awaited<ReturnType<typeof seedTenant>>;
  const create = (token: string, body: Record<string, unknown>) =>
    request(t.gw.url).post('/api/v1/routes').auth(token, { type: 'bearer' }).send(body);
  /** Calls the route `n` times (sequentially) and counts which model served. */
  async function served(route: string, n: number, client = t.client): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const { data, response } = await client.chat.completions
        .create({ model: route, messages, max_tokens: 8 })
        .withResponse();
      expect(response.headers.get('x-switchyard-route')).toBe(route);
      expect(response.headers.get('x-switchyard-model')).toBe(data.model);
      counts[data.model] = (counts[data.model] ?? 0) + 1;
    }
    return counts;
  }

  beforeAll(async () => {
    t = await startLlmGateway();
    other = await seedTenant(t.gw.url, t.adminToken);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('management', () => {
    it('creates platform and tenant routes; another tenant sees neither its routes nor their ids', async () => {
      const platform = await create(t.adminToken, {
        name: 'everyone',
        strategy: 'fallback',
        targets: [{ model: 'simulator/sim-gpt' }],
      }).expect(201);
      expect(platform.body).toMatchObject({ scope: 'platform', tenant_id: null, strategy: 'fallback' });
      const own = await create(t.tenantAdmin.token, {
        name: 'ours',
        strategy: 'round-robin',
        targets: [{ model: 'simulator/sim-gpt' }, { model: 'simulator/sim-gpt-mini' }],
      }).expect(201);
      expect(own.body).toMatchObject({ scope: 'tenant', tenant_id: t.tenantAdmin.tenantId });
      await request(t.gw.url)
        .get(`/api/v1/routes/${own.body.id}`)
        .auth(other.admin.token, { type: 'bearer' })
        .expect(404);
      await request(t.gw.url)
        .delete(`/api/v1/routes/${own.body.id}`)
        .auth(other.admin.token, { type: 'bearer' })
        .expect(404);
      const listed = await request(t.gw.url)
        .get('/api/v1/routes')
        .auth(other.member.token, { type: 'bearer' })
        .expect(200);
      expect(listed.body.data.map((r: { name: string }) => r.name)).toEqual(['everyone']);
      // Another tenant's caller cannot reach it as a model either.
      const { key } = await createApiKey(t.gw.url, other.member.token);
      const error = await t
        .clientWith(key)
        .chat.completions.create({ model: 'ours', messages })
        .then(
          () => undefined,
          (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
        );
      expect(error?.status).toBe(404);
      // Platform routes cannot be changed by tenant admins; members manage none.
      await request(t.gw.url)
        .patch(`/api/v1/routes/${platform.body.id}`)
        .auth(t.tenantAdmin.token, { type: 'bearer' })
        .send({ strategy: 'weighted' })
        .expect(403);
      await create(t.member.token, {
        name: 'mine',
        strategy: 'fallback',
        targets: [{ model: 'simulator/sim-gpt' }],
      }).expect(403);
    });

    it('refuses bad input with the field named, and writes nothing', async () => {
      const cases: Array<[Record<string, unknown>, number, string]> = [
        [{ name: 'x/y', strategy: 'fallback', targets: [{ model: 'simulator/sim-gpt' }] }, 400, 'name'],
        [{ name: 'bad1', strategy: 'fastest', targets: [{ model: 'simulator/sim-gpt' }] }, 400, 'strategy'],
        [{ name: 'bad2', strategy: 'fallback', targets: [] }, 400, 'targets'],
        [{ name: 'bad3', strategy: 'fallback', targets: [{ model: 'nope/never' }] }, 400, 'targets[0].model'],
        [{ name: 'sim-gpt', strategy: 'fallback', targets: [{ model: 'simulator/sim-gpt' }] }, 400, 'name'],
        [{ name: 'ours', strategy: 'fallback', targets: [{ model: 'simulator/sim-gpt' }] }, 409, 'name'],
        [
          {
            name: 'bad4',
            strategy: 'fallback',
            targets: [{ model: 'simulator/sim-gpt', params: { model: 'x' } }],
          },
          400,
          'targets[0].params',
        ],
      ];
      const before = (await request(t.gw.url).get('/api/v1/routes').auth(t.adminToken, { type: 'bearer' }))
        .body.total as number;
      for (const [body, status, param] of cases) {
        const res = await create(t.tenantAdmin.token, body);
        expect({ body, status: res.status }).toEqual({ body, status });
        expect(res.body.error.param).toBe(param);
      }
      const after = (await request(t.gw.url).get('/api/v1/routes').auth(t.adminToken, { type: 'bearer' }))
        .body.total as number;
      expect(after).toBe(before);
    });

    it('lists routes in /v1/models and applies the key’s allowed models to routes and their targets', async () => {
      const ids = (await t.client.models.list()).data.map((m) => m.id);
      expect(ids).toEqual(expect.arrayContaining(['everyone', 'ours']));
      // A key that names the route may use its targets through it.
      const routeOnly = await createApiKey(t.gw.url, t.member.token, { allowed_models: ['ours'] });
      expect(Object.keys(await served('ours', 2, t.clientWith(routeOnly.key))).sort()).toEqual([
        'simulator/sim-gpt',
        'simulator/sim-gpt-mini',
      ]);
      // A key that admits one target only reaches that one.
      const oneTarget = await createApiKey(t.gw.url, t.member.token, {
        allowed_models: ['simulator/sim-gpt-mini'],
      });
      expect(await served('ours', 4, t.clientWith(oneTarget.key))).toEqual({ 'simulator/sim-gpt-mini': 4 });
      // A key that admits none of it gets 403.
      const none = await createApiKey(t.gw.url, t.member.token, { allowed_models: ['simulator/sim-text'] });
      const error = await t
        .clientWith(none.key)
        .chat.completions.create({ model: 'ours', messages })
        .then(
          () => undefined,
          (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
        );
      expect(error?.status).toBe(403);
    });
  });

  describe('strategies', () => {
    const route = async (
      name: string,
      strategy: string,
      targets: Array<Record<string, unknown>>,
      extra = {},
    ) => create(t.tenantAdmin.token, { name, strategy, targets, ...extra }).expect(201);

    it('weighted: 3:1 over 200 calls, within a few percent', async () => {
      await route('weighted-31', 'weighted', [
        { model: 'simulator/sim-gpt', weight: 3 },
        { model: 'simulator/sim-gpt-mini', weight: 1 },
      ]);
      const counts = await served('weighted-31', 200);
      const share = (counts['simulator/sim-gpt'] ?? 0) / 200;
      expect(share).toBeGreaterThan(0.65);
      expect(share).toBeLessThan(0.85);
    });

    it('round-robin: strictly alternates', async () => {
      await route('rr', 'round-robin', [{ model: 'simulator/sim-gpt' }, { model: 'simulator/sim-gpt-mini' }]);
      expect(await served('rr', 40)).toEqual({ 'simulator/sim-gpt': 20, 'simulator/sim-gpt-mini': 20 });
    });

    it('fallback: the first target while it serves; the next when it fails, with the route named', async () => {
      await route('fb', 'fallback', [{ model: 'simulator/sim-gpt' }, { model: 'simulator/sim-gpt-mini' }]);
      expect(await served('fb', 10)).toEqual({ 'simulator/sim-gpt': 10 });
      await route('fb-broken', 'fallback', [
        { model: 'simulator/sim-gpt-fault-500' },
        { model: 'simulator/sim-gpt-mini' },
      ]);
      expect(await served('fb-broken', 3)).toEqual({ 'simulator/sim-gpt-mini': 3 });
    });

    it('least-latency: picks the faster simulator model once both are measured', async () => {
      await route('fast', 'least-latency', [
        { model: 'simulator/sim-gpt-latency-150' },
        { model: 'simulator/sim-gpt-mini' },
      ]);
      const counts = await served('fast', 40);
      expect(counts['simulator/sim-gpt-mini']).toBeGreaterThanOrEqual(38);
    });

    it('least-busy: picks the idle target while the other has calls in flight', async () => {
      await route('idle', 'least-busy', [
        { model: 'simulator/sim-gpt-slow' },
        { model: 'simulator/sim-gpt' },
      ]);
      // Three long streams hold the slow model busy.
      const busy = [1, 2, 3].map(async () => {
        const stream = await t.client.chat.completions.create({
          model: 'simulator/sim-gpt-slow',
          messages: [{ role: 'user', content: 'a rather long answer that streams slowly word by word' }],
          stream: true,
        });
        for await (const chunk of stream) void chunk;
      });
      await new Promise((r) => setTimeout(r, 300));
      const counts = await served('idle', 10);
      await Promise.all(busy);
      expect(counts).toEqual({ 'simulator/sim-gpt': 10 });
    });

    it('lowest-cost: the cheaper model for this request', async () => {
      await route('cheap', 'lowest-cost', [
        { model: 'simulator/sim-gpt' },
        { model: 'simulator/sim-gpt-mini' },
      ]);
      expect(await served('cheap', 5)).toEqual({ 'simulator/sim-gpt-mini': 5 });
    });

    it('applies per-target params and timeouts', async () => {
      await route('tuned', 'fallback', [
        { model: 'simulator/sim-gpt', params: { temperature: 0.1, seed: 7 } },
      ]);
      t.sim.clearRequests();
      await served('tuned', 1);
      expect(t.sim.requests.at(-1)?.body).toMatchObject({ temperature: 0.1, seed: 7, model: 'sim-gpt' });
      await route('impatient', 'fallback', [
        { model: 'simulator/sim-gpt-latency-2000', timeout_ms: 300 },
        { model: 'simulator/sim-gpt-mini' },
      ]);
      const started = Date.now();
      expect(await served('impatient', 1)).toEqual({ 'simulator/sim-gpt-mini': 1 });
      expect(Date.now() - started).toBeLessThan(1900);
    });

    it('spreads vault keys with key_strategy round-robin', async () => {
      const keys = [1, 2, 3].map((i) => `sk-sim-rr${i}-${randomBytes(8).toString('hex')}`);
      for (const key of keys) {
        await request(t.gw.url)
          .post('/api/v1/provider-keys')
          .auth(t.member.token, { type: 'bearer' })
          .send({ provider: 'simulator', key })
          .expect(201);
      }
      await route('spread', 'fallback', [{ model: 'simulator/sim-gpt' }], { key_strategy: 'round-robin' });
      t.sim.clearRequests();
      await served('spread', 6);
      const used = t.sim.requests.map((r) => r.apiKey);
      expect(used.slice(0, 3).sort()).toEqual([...keys].sort());
      expect(used.slice(3)).toEqual(used.slice(0, 3));
      // Without the route the selection order holds: the first key every time.
      t.sim.clearRequests();
      for (let i = 0; i < 3; i++)
        await t.client.chat.completions.create({ model: 'simulator/sim-gpt', messages });
      expect(new Set(t.sim.requests.map((r) => r.apiKey)).size).toBe(1);
    });

    it('reports what the tracker measured', async () => {
      const stats = await request(t.gw.url)
        .get('/api/v1/models/simulator/sim-gpt-mini/stats')
        .auth(t.member.token, { type: 'bearer' })
        .expect(200);
      expect(stats.body).toMatchObject({
        target: 'simulator/sim-gpt-mini',
        window_seconds: 300,
        shared: false,
      });
      expect(stats.body.calls).toBeGreaterThan(50);
      expect(stats.body.ttft_ms).toBeGreaterThan(0);
      expect(stats.body.latency_ms).toBeGreaterThan(0);
      const broken = await request(t.gw.url)
        .get('/api/v1/models/simulator/sim-gpt-fault-500/stats')
        .auth(t.member.token, { type: 'bearer' })
        .expect(200);
      expect(broken.body.errors.server).toBeGreaterThan(0);
      expect(broken.body.error_rate).toBe(1);
    });
  });
});
