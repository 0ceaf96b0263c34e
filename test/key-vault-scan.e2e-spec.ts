import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import request from 'supertest';
import { startSimulator, type Simulator } from '../apps/simulator/src/index.js';
import { createTestDatabase } from './support/databases.js';
import { spawnGateway, type GatewayProcess } from './support/gateway-process.js';
import { createApiKey, loginAdmin, seedTenant } from './support/session.js';
import { TEST_ADMIN, TEST_JWT_SECRET } from './support/test-gateway.js';

const simKey = (label: string) => `sk-sim-scan-${label}-${randomBytes(16).toString('hex')}`;

/**
 * The real gateway process, logging everything it logs at debug level, driven through every
 * path a provider key takes: add, import, list, select, test (valid and refused), chat with
 * failover across keys, bring-your-own key, the activity log and its CSV. Afterwards no response,
 * no log line and no activity entry may contain any of the keys.
 */
describe('no full provider key in any response, log line or activity entry', () => {
  let sim: Simulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let gateway: GatewayProcess;
  const dataDir = join(tmpdir(), `sy-scan-${randomBytes(4).toString('hex')}`);
  const secrets: string[] = [];
  const bodies: string[] = [];
  const track = <T extends { text: string }>(res: T): T => {
    bodies.push(res.text);
    return res;
  };

  beforeAll(async () => {
    sim = await startSimulator();
    db = await createTestDatabase();
    gateway = await spawnGateway({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: '4',
      DATA_DIR: dataDir,
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      JWT_SECRET: TEST_JWT_SECRET,
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      SIMULATOR_URL: sim.url,
      VAULT_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'debug',
      LOG_REQUESTS: 'true',
      SIGNUP_CREDITS: '100',
    });
  }, 60_000);
  afterAll(async () => {
    if (gateway && gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    await db?.drop();
    await sim?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds for everything a key goes through', async () => {
    const url = gateway.url;
    const adminToken = await loginAdmin(url);
    const { tenantId, admin, member } = await seedTenant(url, adminToken);
    const api = (token: string) => ({
      post: (path: string, body?: object) =>
        request(url).post(`/api/v1${path}`).auth(token, { type: 'bearer' }).send(body).then(track),
      get: (path: string, accept = 'application/json') =>
        request(url).get(`/api/v1${path}`).set('accept', accept).auth(token, { type: 'bearer' }).then(track),
    });

    // Add: one per pool, and a key that the simulator will refuse.
    const keys = {
      user: simKey('user'),
      tenant1: simKey('t1'),
      tenant2: simKey('t2'),
      tenant3: simKey('t3'),
    };
    const platform = simKey('platform');
    secrets.push(...Object.values(keys), platform);
    await api(member.token)
      .post('/provider-keys', { provider: 'simulator', key: keys.user })
      .then((r) => expect(r.status).toBe(201));
    await api(adminToken)
      .post('/provider-keys', { provider: 'simulator-gemini', key: platform })
      .then((r) => expect(r.status).toBe(201));
    const ids: string[] = [];
    for (const key of [keys.tenant1, keys.tenant2, keys.tenant3]) {
      const res = await api(admin.token).post('/provider-keys', { provider: 'simulator-anthropic', key });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    // A duplicate and a malformed add echo nothing back.
    await api(admin.token)
      .post('/provider-keys', { provider: 'simulator-anthropic', key: keys.tenant1 })
      .then((r) => expect(r.status).toBe(409));
    await api(admin.token)
      .post('/provider-keys', { provider: 'nope', key: keys.tenant1 })
      .then((r) => expect(r.status).toBe(400));

    // Import, with every kind of line.
    const imported = [simKey('imp1'), simKey('imp2')];
    secrets.push(...imported);
    const content = [
      'provider,key',
      `simulator,${imported[0]}`,
      `simulator,${imported[0]}`,
      `nope,${imported[1]}`,
      `simulator,"${imported[1]}`,
    ].join('\n');
    await api(admin.token)
      .post('/provider-keys/import', { content })
      .then((r) => expect(r.body.added).toBe(1));
    await api(member.token).post('/provider-keys/import', {
      content: `${imported[1]}\n`,
      provider: 'simulator',
    });

    // List, select, test a good key and a refused one.
    await api(admin.token).get('/provider-keys?limit=200');
    await api(admin.token).post(`/provider-keys/${ids[0]}/select`);
    await api(admin.token)
      .post(`/provider-keys/${ids[2]}/test`)
      .then((r) => expect(r.body.ok).toBe(true));

    // Chat with failover: the selected key is refused (401), the next rate-limited (429), the third answers.
    sim.invalidateKey(keys.tenant1);
    sim.setKeyBehavior(keys.tenant2, { status: 429, retryAfterSeconds: 30 });
    const { key: apiKey } = await createApiKey(url, admin.token);
    const chat = (headers: Record<string, string>, model: string) =>
      request(url)
        .post('/v1/chat/completions')
        .set({ authorization: `Bearer ${apiKey}`, ...headers })
        .send({ model, messages: [{ role: 'user', content: 'hello' }] })
        .then(track);
    const served = await chat({}, 'simulator-anthropic/sim-claude');
    expect(served.status).toBe(200);
    expect(sim.requests.filter((r) => r.path === '/v1/messages').map((r) => r.apiKey)).toEqual([
      keys.tenant1,
      keys.tenant2,
      keys.tenant3,
    ]);
    // Every key refused: the caller gets 503, naming no key.
    sim.invalidateKey(keys.tenant3);
    sim.invalidateKey('no-key');
    const exhausted = await chat({}, 'simulator-anthropic/sim-claude');
    expect(exhausted.status).toBe(503);
    // A bring-your-own key, refused upstream.
    const byo = simKey('byo');
    secrets.push(byo);
    sim.invalidateKey(byo);
    await chat({ 'x-provider-key': byo }, 'simulator/sim-gpt');
    await api(admin.token)
      .post(`/provider-keys/${ids[0]}/test`)
      .then((r) => expect(r.body.ok).toBe(false));

    // The activity log, as JSON and as CSV.
    await api(adminToken).get('/activity-logs?limit=200');
    await api(adminToken).get('/activity-logs', 'text/csv');
    await api(admin.token).get(`/activity-logs?tenant_id=${tenantId}`);

    // Stop the gateway gracefully: buffered entries are written, every log line is out.
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    let trail: unknown[];
    let vault: unknown[];
    try {
      trail = (await client.query('SELECT * FROM activity_logs')).rows;
      vault = (await client.query('SELECT * FROM provider_keys')).rows;
    } finally {
      await client.end();
    }
    const actions = new Set((trail as Array<{ action: string }>).map((e) => e.action));
    for (const action of [
      'ADD',
      'IMPORT',
      'SELECT',
      'TEST',
      'INVALID',
      'UNSELECT',
      'COOLDOWN',
      'EXHAUSTED',
    ]) {
      expect(actions).toContain(action);
    }
    expect(gateway.lines.length).toBeGreaterThan(20);
    const haystacks = {
      responses: bodies.join('\n'),
      logs: gateway.lines.join('\n'),
      activity: JSON.stringify(trail),
      vault: JSON.stringify(vault),
    };
    for (const secret of secrets) {
      for (const [where, text] of Object.entries(haystacks)) {
        if (text.includes(secret))
          throw new Error(`a provider key ending …${secret.slice(-4)} appears in ${where}`);
      }
    }
  }, 60_000);
});
