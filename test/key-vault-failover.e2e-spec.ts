import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityLogService } from '@switchyard/activity-log';
import { VaultKeySource } from '@switchyard/key-vault';
import {
  CatalogService,
  ProviderError,
  ProviderRegistry,
  type KeyEventContext,
  type KeyScope,
} from '@switchyard/providers';
import request from 'supertest';
import { startSimulator, type Simulator } from '../apps/simulator/src/index.js';
import { loginAdmin, seedTenant } from './support/session.js';
import { startTestGateway } from './support/test-gateway.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const simKey = (label = 'k') => `sk-sim-${label}-${randomBytes(16).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Tenant = Awaited<ReturnType<typeof seedTenant>>;

/** A gateway on the simulator, with helpers to drive its vault as the failover loop does. */
async function vaultGateway(sim: Simulator, env: Record<string, string> = {}, databaseUrl?: string) {
  const gw = await startTestGateway({
    databaseUrl,
    env: { SIMULATOR_URL: sim.url, VAULT_COOLDOWN_BASE_MS: '200', VAULT_COOLDOWN_MAX_MS: '5000', ...env },
  });
  const source = gw.app.get(VaultKeySource);
  const registry = gw.app.get(ProviderRegistry);
  const catalog = gw.app.get(CatalogService);

  const add = async (token: string, body: Record<string, unknown>): Promise<string> => {
    const res = await request(gw.url)
      .post('/api/v1/provider-keys')
      .auth(token, { type: 'bearer' })
      .send(body);
    if (res.status !== 201) throw new Error(`add failed: ${res.status} ${res.text}`);
    return res.body.id as string;
  };
  const post = (token: string, path: string, body?: object) =>
    request(gw.url).post(`/api/v1/provider-keys${path}`).auth(token, { type: 'bearer' }).send(body);
  const get = async (token: string, id: string) =>
    (await request(gw.url).get(`/api/v1/provider-keys/${id}`).auth(token, { type: 'bearer' })).body;

  /**
   * What the routing layer does for one call: try each key in order, report every failure and
   * the success, report exhaustion. Real HTTP to the simulator through the provider adapter.
   */
  const call = async (
    provider: string,
    scope: KeyScope,
    context: KeyEventContext,
  ): Promise<string | null> => {
    const adapter = registry.adapterFor(catalog.provider(provider)!.format);
    for (const credentials of await source.keysFor(provider, scope)) {
      try {
        await adapter.chat(
          { model: 'sim-gpt', messages: [{ role: 'user', content: 'hello' }], max_tokens: 16 },
          credentials,
          { timeoutMs: 5000, provider },
        );
        source.reportSuccess(credentials, context);
        return credentials.keyId!;
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        await source.reportFailure(credentials, err, context);
      }
    }
    await source.reportExhausted(provider, context);
    return null;
  };

  const events = async (adminToken: string, filter: Record<string, string>) => {
    await gw.app.get(ActivityLogService).flush();
    const res = await request(gw.url)
      .get('/api/v1/activity-logs')
      .query({ limit: 200, ...filter })
      .auth(adminToken, { type: 'bearer' })
      .expect(200);
    return (
      res.body.data as Array<{
        action: string;
        key_id: string | null;
        tenant_id: string | null;
        request_id: string | null;
        metadata: Record<string, unknown>;
      }>
    ).reverse();
  };

  return { gw, source, add, post, get, call, events };
}

describe('VaultKeySource: order and skipping', () => {
  let sim: Simulator;
  let v: Awaited<ReturnType<typeof vaultGateway>>;
  let adminToken: string;
  let a: Tenant;
  let b: Tenant;
  beforeAll(async () => {
    sim = await startSimulator();
    v = await vaultGateway(sim, { SIMULATOR_API_KEY: 'sk-sim-environment-key-0001' });
    adminToken = await loginAdmin(v.gw.url);
    a = await seedTenant(v.gw.url, adminToken);
    b = await seedTenant(v.gw.url, adminToken);
  });
  afterAll(async () => {
    await v?.gw.close();
    await sim?.close();
  });

  it('request key > selected > user > tenant > platform > environment, each pool in creation order', async () => {
    const p1 = await v.add(adminToken, { provider: 'simulator', key: simKey('p1') });
    const p2 = await v.add(adminToken, { provider: 'simulator', key: simKey('p2') });
    const t1 = await v.add(a.admin.token, { provider: 'simulator', key: simKey('t1') });
    const t2 = await v.add(a.admin.token, { provider: 'simulator', key: simKey('t2') });
    const u1 = await v.add(a.member.token, { provider: 'simulator', key: simKey('u1') });
    const u2 = await v.add(a.member.token, { provider: 'simulator', key: simKey('u2') });
    const u3 = await v.add(a.member.token, { provider: 'simulator', key: simKey('u3') });
    await v.post(a.member.token, `/${u2}/select`).expect(200);
    await v.post(a.admin.token, `/${t2}/select`).expect(200);

    const requestKey = simKey('request');
    const order = await v.source.keysFor('simulator', {
      tenantId: a.tenantId,
      userId: a.member.id,
      requestKey,
    });
    expect(order.map((c) => c.keyId)).toEqual([
      'request',
      u2,
      u1,
      u3,
      t2,
      t1,
      p1,
      p2,
      'env:SIMULATOR_API_KEY',
    ]);
    expect(order[0]!.apiKey).toBe(requestKey);
    expect(order.at(-1)!.apiKey).toBe('sk-sim-environment-key-0001');
    expect(order.every((c) => c.baseUrl === `${sim.url}/v1`)).toBe(true);

    // Another tenant's caller draws on the platform and the environment only.
    const other = await v.source.keysFor('simulator', { tenantId: b.tenantId, userId: b.member.id });
    expect(other.map((c) => c.keyId)).toEqual([p1, p2, 'env:SIMULATOR_API_KEY']);

    // Disabled, invalid and cooling keys are skipped.
    await request(v.gw.url)
      .patch(`/api/v1/provider-keys/${u1}`)
      .auth(a.member.token, { type: 'bearer' })
      .send({ enabled: false })
      .expect(200);
    const t1Secret = order.find((c) => c.keyId === t1)!.apiKey;
    sim.invalidateKey(t1Secret);
    expect((await v.post(a.admin.token, `/${t1}/test`).expect(200)).body.status).toBe('invalid');
    const u3Secret = order.find((c) => c.keyId === u3)!.apiKey;
    sim.setKeyBehavior(u3Secret, { status: 429, retryAfterSeconds: 1, times: 1 });
    expect((await v.post(a.member.token, `/${u3}/test`).expect(200)).body.status).toBe('cooling_down');
    const skipped = await v.source.keysFor('simulator', { tenantId: a.tenantId, userId: a.member.id });
    expect(skipped.map((c) => c.keyId)).toEqual([u2, t2, p1, p2, 'env:SIMULATOR_API_KEY']);
    await sleep(1100);
    const cooled = await v.source.keysFor('simulator', { tenantId: a.tenantId, userId: a.member.id });
    expect(cooled.map((c) => c.keyId)).toEqual([u2, u3, t2, p1, p2, 'env:SIMULATOR_API_KEY']);
  });

  it('answers isAvailable from memory, per scope', async () => {
    expect(v.source.isAvailable('mistral', { tenantId: a.tenantId })).toBe(false);
    await v.add(a.admin.token, { provider: 'mistral', key: simKey('mistral') });
    expect(v.source.isAvailable('mistral', { tenantId: a.tenantId })).toBe(true);
    expect(v.source.isAvailable('mistral', { tenantId: b.tenantId })).toBe(false);
    // A bring-your-own key makes any catalog provider available, as before the vault.
    expect(v.source.isAvailable('mistral', { tenantId: b.tenantId, requestKey: simKey() })).toBe(true);
    expect(v.source.isAvailable('no-such-provider', { tenantId: a.tenantId })).toBe(false);
  });
});

describe('failover bookkeeping (three keys: 401, 429, then one that works)', () => {
  let sim: Simulator;
  let v: Awaited<ReturnType<typeof vaultGateway>>;
  let adminToken: string;
  let a: Tenant;
  beforeAll(async () => {
    sim = await startSimulator();
    v = await vaultGateway(sim);
    adminToken = await loginAdmin(v.gw.url);
    a = await seedTenant(v.gw.url, adminToken);
  });
  afterAll(async () => {
    await v?.gw.close();
    await sim?.close();
  });

  it('marks the 401 invalid, cools the 429, succeeds on the third and selects it', async () => {
    const secrets = [simKey('f1'), simKey('f2'), simKey('f3')];
    const ids: string[] = [];
    for (const key of secrets) ids.push(await v.add(a.admin.token, { provider: 'simulator', key }));
    await v.post(a.admin.token, `/${ids[0]}/select`).expect(200);
    sim.invalidateKey(secrets[0]!);
    sim.setKeyBehavior(secrets[1]!, { status: 429, retryAfterSeconds: 1 });
    sim.clearRequests();
    const scope = { tenantId: a.tenantId, userId: a.member.id };
    const context = {
      tenantId: a.tenantId,
      userId: a.member.id,
      requestId: 'req-failover-1',
      ip: '10.1.2.3',
    };

    expect(await v.call('simulator', scope, context)).toBe(ids[2]);
    expect(sim.requests.map((r) => r.apiKey)).toEqual(secrets);
    // SELECT is recorded after the success is reported, asynchronously: wait for all four.
    let failover: Awaited<ReturnType<typeof v.events>> = [];
    for (let attempt = 0; attempt < 40 && failover.length < 4; attempt++) {
      if (attempt > 0) await sleep(50);
      const trail = await v.events(adminToken, {
        provider: 'simulator',
        tenant_id: a.tenantId,
        action: 'INVALID,UNSELECT,COOLDOWN,SELECT',
      });
      failover = trail.filter((e) => e.request_id === 'req-failover-1');
    }
    expect(failover.map((e) => [e.action, e.key_id])).toEqual([
      ['INVALID', ids[0]],
      ['UNSELECT', ids[0]],
      ['COOLDOWN', ids[1]],
      ['SELECT', ids[2]],
    ]);
    expect(failover[2]!.metadata).toMatchObject({
      kind: 'rate_limit',
      upstream_status: 429,
      retry_after_ms: 1000,
    });
    expect(failover[0]!.metadata).toMatchObject({ caller: { tenant_id: a.tenantId, user_id: a.member.id } });

    expect(await v.get(a.admin.token, ids[0]!)).toMatchObject({
      status: 'invalid',
      selected: false,
      failure_count: 1,
    });
    expect(await v.get(a.admin.token, ids[1]!)).toMatchObject({ status: 'cooling_down', failure_count: 1 });
    expect(await v.get(a.admin.token, ids[2]!)).toMatchObject({ status: 'active', selected: true });

    // While it cools, the 429 key is not even tried.
    sim.clearRequests();
    expect(await v.call('simulator', scope, { ...context, requestId: 'req-failover-2' })).toBe(ids[2]);
    expect(sim.requests.map((r) => r.apiKey)).toEqual([secrets[2]]);

    // Once its cooldown passes it is used again.
    sim.setKeyBehavior(secrets[1]!, null);
    await sleep(1100);
    sim.setKeyBehavior(secrets[2]!, { status: 429, retryAfterSeconds: 30, times: 1 });
    sim.clearRequests();
    expect(await v.call('simulator', scope, { ...context, requestId: 'req-failover-3' })).toBe(ids[1]);
    expect(sim.requests.map((r) => r.apiKey)).toEqual([secrets[2], secrets[1]]);
  });

  it('cools down exponentially without Retry-After, and a success resets the streak', async () => {
    const key = simKey('exp');
    const id = await v.add(a.member.token, { provider: 'simulator-gemini', key });
    const scope = { tenantId: a.tenantId, userId: a.member.id };
    const context = { tenantId: a.tenantId, userId: a.member.id };
    const cooldowns = async () =>
      (await v.events(adminToken, { key_id: id, action: 'COOLDOWN' })).map((e) => e.metadata.cooldown_ms);

    sim.setKeyBehavior(key, { status: 429, times: 1 });
    await v.call('simulator-gemini', scope, context);
    await sleep(250);
    sim.setKeyBehavior(key, { status: 429, times: 1 });
    await v.call('simulator-gemini', scope, context);
    expect(await cooldowns()).toEqual([200, 400]);
    await sleep(450);
    expect(await v.call('simulator-gemini', scope, context)).toBe(id);
    sim.setKeyBehavior(key, { status: 429, times: 1 });
    await v.call('simulator-gemini', scope, context);
    expect(await cooldowns()).toEqual([200, 400, 200]);
  });

  it('logs EXHAUSTED when no key is left, and only then', async () => {
    const keys = [simKey('x1'), simKey('x2')];
    for (const key of keys) await v.add(a.admin.token, { provider: 'simulator-anthropic', key });
    for (const key of [...keys, 'no-key']) sim.invalidateKey(key);
    const scope = { tenantId: a.tenantId, userId: a.member.id };
    const context = {
      tenantId: a.tenantId,
      userId: a.member.id,
      apiKeyId: undefined,
      requestId: 'req-exhausted-1',
    };
    expect(await v.call('simulator-anthropic', scope, context)).toBeNull();
    // The keyless environment entry is refused too; nothing is left to offer.
    expect(await v.source.keysFor('simulator-anthropic', scope)).toEqual([]);
    const trail = await v.events(adminToken, { provider: 'simulator-anthropic' });
    const mine = trail.filter((e) => e.request_id === 'req-exhausted-1');
    expect(mine.map((e) => e.action)).toEqual(['INVALID', 'INVALID', 'INVALID', 'EXHAUSTED']);
    expect(mine[2]!.metadata).toMatchObject({ source: 'environment' });
    expect(mine[3]).toMatchObject({ tenant_id: a.tenantId, metadata: { vault_keys: 2, invalid: 2 } });
    for (const key of [...keys, 'no-key']) sim.setKeyBehavior(key, null);
  });

  it("ignores the caller's own key and failures that say nothing about the key", async () => {
    const source = v.source;
    const before = (await v.events(adminToken, { provider: 'simulator' })).length;
    await source.reportFailure(
      { apiKey: simKey(), baseUrl: `${sim.url}/v1`, keyId: 'request' },
      new ProviderError('auth', 'simulator: invalid key', { provider: 'simulator', upstreamStatus: 401 }),
      { tenantId: a.tenantId },
    );
    const id = await v.add(a.admin.token, { provider: 'simulator', key: simKey('srv') });
    await source.reportFailure(
      { apiKey: 'x', baseUrl: `${sim.url}/v1`, keyId: id },
      new ProviderError('server', 'simulator: 503', { provider: 'simulator', upstreamStatus: 503 }),
      { tenantId: a.tenantId },
    );
    const after = await v.events(adminToken, { provider: 'simulator' });
    expect(after.slice(before).map((e) => e.action)).toEqual(['ADD']);
    expect(await v.get(a.admin.token, id)).toMatchObject({ status: 'active', failure_count: 0 });
  });
});

describe('two instances sharing Redis', () => {
  let sim: Simulator;
  let first: Awaited<ReturnType<typeof vaultGateway>>;
  let second: Awaited<ReturnType<typeof vaultGateway>>;
  let adminToken: string;
  let a: Tenant;
  beforeAll(async () => {
    sim = await startSimulator();
    const env = { REDIS_URL, VAULT_MASTER_KEY: randomBytes(32).toString('base64') };
    first = await vaultGateway(sim, env);
    second = await vaultGateway(sim, env, first.gw.databaseUrl);
    adminToken = await loginAdmin(first.gw.url);
    a = await seedTenant(first.gw.url, adminToken);
  });
  afterAll(async () => {
    await second?.gw.app.close();
    await first?.gw.close();
    await sim?.close();
  });

  it('never uses a key the other instance cooled down or found invalid', async () => {
    const secrets = [simKey('r1'), simKey('r2'), simKey('r3')];
    const ids: string[] = [];
    for (const key of secrets) ids.push(await first.add(a.admin.token, { provider: 'simulator', key }));
    const scope = { tenantId: a.tenantId, userId: a.member.id };
    // The other instance learns of new keys through Redis.
    for (let i = 0; i < 100; i++) {
      if (
        (await second.source.keysFor('simulator', scope)).filter((c) => ids.includes(c.keyId!)).length === 3
      )
        break;
      await sleep(20);
    }
    expect((await second.source.keysFor('simulator', scope)).map((c) => c.keyId).slice(0, 3)).toEqual(ids);

    sim.setKeyBehavior(secrets[0]!, { status: 429, retryAfterSeconds: 60, times: 1 });
    sim.clearRequests();
    expect(await first.call('simulator', scope, { tenantId: a.tenantId })).toBe(ids[1]);
    // At once, with no waiting for pub/sub: the other instance skips the cooled key.
    expect((await second.source.keysFor('simulator', scope)).map((c) => c.keyId)).not.toContain(ids[0]);
    for (let i = 0; i < 10; i++) {
      const gw = i % 2 === 0 ? second : first;
      expect(await gw.call('simulator', scope, { tenantId: a.tenantId })).toBe(ids[1]);
    }
    expect(sim.requests.filter((r) => r.apiKey === secrets[0])).toHaveLength(1);

    sim.invalidateKey(secrets[1]!);
    expect(await second.call('simulator', scope, { tenantId: a.tenantId })).toBe(ids[2]);
    expect((await first.source.keysFor('simulator', scope)).map((c) => c.keyId).slice(0, 1)).toEqual([
      ids[2],
    ]);
    sim.clearRequests();
    for (let i = 0; i < 6; i++)
      await (i % 2 === 0 ? first : second).call('simulator', scope, { tenantId: a.tenantId });
    expect(sim.requests.map((r) => r.apiKey)).toEqual(Array(6).fill(secrets[2]));

    // The status the other instance shows agrees.
    expect(await second.get(a.admin.token, ids[1]!)).toMatchObject({ status: 'invalid' });
    expect(await second.get(a.admin.token, ids[0]!)).toMatchObject({ status: 'cooling_down' });
    // Only one instance logged the cooldown, though both could have seen it.
    const cooldowns = await first.events(adminToken, { key_id: ids[0]!, action: 'COOLDOWN' });
    expect(cooldowns).toHaveLength(1);
  });

  it('skips a key the other instance found invalid as soon as that instance has reported it', async () => {
    const secret = simKey('r4');
    const id = await first.add(a.admin.token, { provider: 'simulator', key: secret });
    const scope = { tenantId: a.tenantId, userId: a.member.id };
    const offered = async (gw: typeof first) =>
      (await gw.source.keysFor('simulator', scope)).map((c) => c.keyId);
    for (let i = 0; i < 100 && !(await offered(second)).includes(id); i++) await sleep(20);
    // The first instance has just read the key's marks, so it trusts them for a second.
    expect(await offered(first)).toContain(id);
    await second.source.reportFailure(
      { apiKey: secret, baseUrl: `${sim.url}/v1`, keyId: id },
      new ProviderError('auth', 'simulator: invalid key', { provider: 'simulator', upstreamStatus: 401 }),
      { tenantId: a.tenantId },
    );
    // No waiting for the first instance to reload the key from the database.
    expect(await offered(first)).not.toContain(id);
    expect(await second.get(a.admin.token, id)).toMatchObject({ status: 'invalid' });
  });
});
