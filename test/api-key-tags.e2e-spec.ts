import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ApiKeysService } from '@switchyard/auth';
import pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { TEST_DATABASE_URL } from './support/databases.js';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, loginAdmin, seedTenant } from './support/session.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

// Gateways boot, and each measurement waits out Postgres' once-a-second statistics flush.
jest.setTimeout(60_000);

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PREFIX = 'sk-sy-';
const RANDOM_CHARS = 43;
const TAG_CHARS = 8;
const KEY_FORMAT = /^sk-sy-[0-9A-Za-z]{51}$/;

/** Background jobs that read the database on a timer, pushed out of the measurements' way. */
const QUIET = {
  CREDITS_SWEEP_INTERVAL_SECONDS: '86400',
  RESERVATION_TTL_SECONDS: '86400',
  ACTIVITY_LOG_RETENTION_DAYS: '0',
};

/** An empty table the watch scans to make Postgres publish its statistics. */
const PROBE = 'stats_probe';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function base62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)];
  return out;
}

/** `value` with the character at `index` replaced by another base62 character. */
function changeCharAt(value: string, index: number): string {
  const old = value[index]!;
  let next = old;
  while (next === old) next = BASE62[randomInt(62)]!;
  return value.slice(0, index) + next + value.slice(index + 1);
}

/** Every kind of bad key the guard must refuse without the database, fresh each time (no cache can help). */
function invalidKeys(valid: string): Array<[kind: string, key: string]> {
  const randomStart = PREFIX.length;
  const tagStart = PREFIX.length + RANDOM_CHARS;
  return [
    ['one character of the random part changed', changeCharAt(valid, randomStart + randomInt(RANDOM_CHARS))],
    ['one character of the tag changed', changeCharAt(valid, tagStart + randomInt(TAG_CHARS))],
    ['a fresh well-formed key with a random tag', `${PREFIX}${base62(RANDOM_CHARS + TAG_CHARS)}`],
    ['a too-short key', `${PREFIX}${base62(randomInt(1, RANDOM_CHARS + TAG_CHARS))}`],
    ['a too-long key', `${valid}${base62(randomInt(1, 10))}`],
    ['an old-format key (no tag)', `${PREFIX}${base62(RANDOM_CHARS)}`],
    ['random garbage after the prefix', `${PREFIX}${randomBytes(24 + randomInt(24)).toString('base64url')}`],
    ['random garbage', randomBytes(16 + randomInt(40)).toString('base64')],
  ];
}

/**
 * Watches one gateway's database two ways: every statement its connection pool sends (in this
 * process), and Postgres' own counters for the database (transactions, tuples and buffer pages read),
 * read over a separate connection to another database so the watching does not count.
 */
class DatabaseWatch {
  private statements: string[] = [];
  private recording = false;
  private readonly wrapped = new WeakSet<object>();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly stats: pg.Client,
    private readonly database: string,
    private readonly apiKeys: ApiKeysService,
  ) {
    pool.on('acquire', (client) => this.wrap(client));
  }

  static async of(gw: TestGateway): Promise<DatabaseWatch> {
    const driver = gw.app.get(DataSource).driver as unknown as { master: pg.Pool };
    const own = new pg.Client({ connectionString: gw.databaseUrl });
    await own.connect();
    await own.query(`CREATE TABLE ${PROBE} ()`);
    await own.end();
    const stats = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await stats.connect();
    const database = new URL(gw.databaseUrl!).pathname.slice(1);
    return new DatabaseWatch(driver.master, stats, database, gw.app.get(ApiKeysService));
  }

  close(): Promise<void> {
    return this.stats.end();
  }

  /** Runs `work` and reports what it cost the database. */
  async measure(work: () => Promise<void>): Promise<{
    statements: string[];
    transactions: number;
    tuples: number;
    blocks: number;
  }> {
    // Write pending last-used times now, and hold the 10 s flush timer off during the window:
    // it is a batched write, not part of what a request costs.
    await this.apiKeys.flushLastUsed();
    const flush = jest.spyOn(this.apiKeys, 'flushLastUsed').mockResolvedValue(undefined);
    try {
      await this.publish();
      const before = await this.counters();
      this.statements = [];
      this.recording = true;
      await work();
      this.recording = false;
      const probes = await this.publish();
      const after = await this.counters();
      return {
        statements: this.statements,
        // The probes that made the backends publish are transactions too.
        transactions: after.transactions - before.transactions - probes,
        tuples: after.tuples - before.tuples,
        blocks: after.blocks - before.blocks,
      };
    } finally {
      this.recording = false;
      flush.mockRestore();
    }
  }

  private wrap(client: pg.PoolClient): void {
    if (this.wrapped.has(client)) return;
    this.wrapped.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      if (this.recording) {
        const q = args[0];
        this.statements.push(typeof q === 'string' ? q : String((q as { text?: string }).text));
      }
      return query(...args);
    };
  }

  /**
   * A backend publishes its counters when it goes idle after touching a table, at most once a
   * second (otherwise up to 10 s later): wait out that second, then scan an empty table on every
   * idle connection of the pool, so everything before is visible. The scans read no tuple and no
   * page; each is one transaction. Returns how many there were.
   */
  private async publish(): Promise<number> {
    await sleep(1100);
    const clients = await Promise.all(Array.from({ length: this.pool.idleCount }, () => this.pool.connect()));
    await Promise.all(clients.map((c) => c.query(`SELECT FROM ${PROBE}`)));
    for (const c of clients) c.release();
    await sleep(50);
    return clients.length;
  }

  private async counters(): Promise<{ transactions: number; tuples: number; blocks: number }> {
    const { rows } = await this.stats.query<{ transactions: string; tuples: string; blocks: string }>(
      `SELECT xact_commit + xact_rollback AS transactions, tup_returned + tup_fetched AS tuples,
              blks_hit + blks_read AS blocks
         FROM pg_stat_database WHERE datname = $1`,
      [this.database],
    );
    return {
      transactions: Number(rows[0]!.transactions),
      tuples: Number(rows[0]!.tuples),
      blocks: Number(rows[0]!.blocks),
    };
  }
}

/** `n` requests, a few at a time over keep-alive connections. */
async function many(n: number, send: (i: number) => Promise<void>, concurrency = 8): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await send(next++);
    }),
  );
}

describe('API keys carry a tag: invalid keys are refused without a database read (real Postgres)', () => {
  let t: LlmGateway;
  let watch: DatabaseWatch;
  beforeAll(async () => {
    // These floods measure the refusal itself: no holding back of repeat offenders here.
    t = await startLlmGateway({ env: { ...QUIET, INVALID_KEY_DELAY_MS: '0' } });
    watch = await DatabaseWatch.of(t.gw);
    // Counters the boot left pending on some backend land in the first window: absorb them here.
    await watch.measure(async () => undefined);
  });
  afterAll(async () => {
    await watch?.close();
    await t?.close();
  });

  it('issues keys as sk-sy- + 43 random characters + an 8-character tag, shown masked afterwards', async () => {
    const created = await request(t.gw.url)
      .post('/api/v1/api-keys')
      .auth(t.member.token, { type: 'bearer' })
      .send({ name: 'format' })
      .expect(201);
    expect(created.body.key).toMatch(KEY_FORMAT);
    expect(created.body.masked_key).toBe(`${created.body.key.slice(0, 10)}…${created.body.key.slice(-4)}`);
  });

  it('a created key works on /v1/models and /v1/chat/completions', async () => {
    const { key } = await createApiKey(t.gw.url, t.member.token);
    const models = await fetch(`${t.gw.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(models.status).toBe(200);
    expect(((await models.json()) as { object: string }).object).toBe('list');
    const chat = await t
      .clientWith(key)
      .chat.completions.create({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.choices[0]!.message.content).toBe('echo: hi');
  });

  it.each(invalidKeys(`${PREFIX}${base62(RANDOM_CHARS + TAG_CHARS)}`).map(([kind]) => kind))(
    'refuses %s with the OpenAI-shaped 401 invalid_api_key',
    async (kind) => {
      const { key: valid } = await createApiKey(t.gw.url, t.member.token);
      const [, key] = invalidKeys(valid).find(([k]) => k === kind)!;
      for (const path of ['/v1/models', '/v1/chat/completions']) {
        const res = await request(t.gw.url)
          [path === '/v1/models' ? 'get' : 'post'](path)
          .set('x-api-key', key)
          .send(path === '/v1/models' ? undefined : { model: 'simulator/sim-gpt', messages: [] });
        expect(res.status).toBe(401);
        expect(res.body).toEqual({
          error: {
            message: 'Incorrect API key provided, or the key is revoked or expired.',
            type: 'authentication_error',
            code: 'invalid_api_key',
            param: null,
          },
        });
      }
      // As a bearer token too (random garbage without the prefix is then taken for a JWT).
      const bearer = await request(t.gw.url).get('/v1/models').auth(key, { type: 'bearer' });
      expect(bearer.status).toBe(401);
      expect(bearer.body.error).toMatchObject({ type: 'authentication_error', param: null });
      expect(bearer.body.error.code).toBe(key.startsWith(PREFIX) ? 'invalid_api_key' : 'invalid_token');
    },
  );

  it('refuses 200 fresh invalid keys with no database read and no upstream call', async () => {
    const valid: string[] = [];
    for (let i = 0; i < 4; i++) valid.push((await createApiKey(t.gw.url, t.member.token)).key);
    t.sim.clearRequests();
    const statuses: number[] = [];
    const flood = () =>
      many(200, async (i) => {
        const kinds = invalidKeys(valid[i % valid.length]!);
        const [, key] = kinds[i % kinds.length]!;
        const chat = i % 2 === 0;
        const res = await fetch(`${t.gw.url}${chat ? '/v1/chat/completions' : '/v1/models'}`, {
          method: chat ? 'POST' : 'GET',
          headers: { 'x-api-key': key, 'content-type': 'application/json' },
          body: chat
            ? JSON.stringify({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content: 'x' }] })
            : undefined,
        });
        statuses.push(res.status);
        await res.arrayBuffer();
      });
    // Postgres counts per database, so a background job of the gateway's that lands in the window
    // (one transaction, hundreds of catalog and table tuples) is counted too: measure once more
    // when the first window is not clean. A real regression (a lookup per key) fails both times.
    let cost = await watch.measure(flood);
    if (cost.statements.length > 0 || cost.transactions > 2 || cost.tuples > 20 || cost.blocks > 50) {
      statuses.length = 0;
      cost = await watch.measure(flood);
    }
    expect(statuses).toEqual(Array(200).fill(401));
    expect(t.sim.requests).toHaveLength(0);
    expect(cost.statements).toEqual([]);
    // Postgres publishes a transaction that touched no table only with its backend's next flush,
    // so one from before the window may land in it; the tiny allowances are for such stragglers.
    // Before tags, these 200 requests cost ~175 lookups (one per key starting with sk-sy-).
    expect(cost.transactions).toBeLessThanOrEqual(2);
    expect(cost.tuples).toBeLessThanOrEqual(20);
    expect(cost.blocks).toBeLessThanOrEqual(50);
  });

  it('refuses a forged key on /v1 before reading the body: no JSON error, no 413, the same 401', async () => {
    const { key } = await createApiKey(t.gw.url, t.member.token);
    const forged = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    for (const body of ['{not json', 'x'.repeat(30 * 1024 * 1024)]) {
      const res = await fetch(`${t.gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${forged}`, 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({
        code: 'invalid_api_key',
        type: 'authentication_error',
      });
    }
    // A real key with the same broken body reaches the body parser as before.
    const real = await fetch(`${t.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(real.status).toBe(400);
  });

  it('a valid key makes no database read once warm, before, during and after a flood', async () => {
    const { key } = await createApiKey(t.gw.url, t.member.token);
    const models = () =>
      fetch(`${t.gw.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    // Cold: one read, which the watch sees (it is not blind).
    const cold = await watch.measure(async () => void expect(await models()).toBe(200));
    expect(cold.statements).toHaveLength(1);
    expect(cold.statements[0]).toMatch(/FROM api_keys k JOIN users u/);
    expect(cold.transactions).toBeGreaterThanOrEqual(1);
    expect(cold.transactions).toBeLessThanOrEqual(3);
    expect(cold.blocks).toBeGreaterThan(0);
    const statuses: number[] = [];
    const cost = await watch.measure(async () => {
      await many(50, async () => void statuses.push(await models()), 2);
      await Promise.all([
        many(100, async () => {
          const res = await fetch(`${t.gw.url}/v1/models`, {
            headers: { authorization: `Bearer ${PREFIX}${base62(RANDOM_CHARS + TAG_CHARS)}` },
          });
          await res.arrayBuffer();
          expect(res.status).toBe(401);
        }),
        many(50, async () => void statuses.push(await models()), 1),
      ]);
    });
    expect(statuses).toEqual(Array(100).fill(200));
    expect(cost.statements).toEqual([]);
    expect(cost.transactions).toBeLessThanOrEqual(2);
    expect(cost.tuples).toBeLessThanOrEqual(20);
    expect(cost.blocks).toBeLessThanOrEqual(50);
  });
});

describe('API key tags across instances and restarts', () => {
  it('two instances on one database accept each other’s keys (one generated secret, in settings)', async () => {
    const a = await startTestGateway({ env: QUIET });
    try {
      const b = await startTestGateway({ databaseUrl: a.databaseUrl, env: QUIET });
      try {
        const adminToken = await loginAdmin(a.url);
        const { member } = await seedTenant(a.url, adminToken);
        const fromA = await createApiKey(a.url, member.token);
        const fromB = await createApiKey(b.url, member.token);
        for (const gw of [a, b]) {
          for (const { key } of [fromA, fromB]) {
            await request(gw.url).get('/v1/models').set('x-api-key', key).expect(200);
          }
        }
        const stored = new pg.Client({ connectionString: a.databaseUrl });
        await stored.connect();
        try {
          const rows = await stored.query(`SELECT value FROM settings WHERE key = 'api_key_signing_secret'`);
          expect(rows.rows).toHaveLength(1);
          expect(typeof rows.rows[0].value).toBe('string');
        } finally {
          await stored.end();
        }
      } finally {
        await b.app.close();
      }
    } finally {
      await a.close();
    }
  });

  it('an instance with another API_KEY_SIGNING_SECRET refuses those keys; the same secret accepts them', async () => {
    const secret = randomBytes(32).toString('base64');
    const a = await startTestGateway({ env: { ...QUIET, API_KEY_SIGNING_SECRET: secret } });
    try {
      const adminToken = await loginAdmin(a.url);
      const { member } = await seedTenant(a.url, adminToken);
      const { key } = await createApiKey(a.url, member.token);
      await request(a.url).get('/v1/models').set('x-api-key', key).expect(200);
      const other = await startTestGateway({
        databaseUrl: a.databaseUrl,
        env: { ...QUIET, API_KEY_SIGNING_SECRET: randomBytes(32).toString('base64') },
      });
      try {
        const res = await request(other.url).get('/v1/models').set('x-api-key', key).expect(401);
        expect(res.body.error.code).toBe('invalid_api_key');
      } finally {
        await other.app.close();
      }
      const same = await startTestGateway({
        databaseUrl: a.databaseUrl,
        env: { ...QUIET, API_KEY_SIGNING_SECRET: secret },
      });
      try {
        await request(same.url).get('/v1/models').set('x-api-key', key).expect(200);
      } finally {
        await same.app.close();
      }
    } finally {
      await a.close();
    }
  });

  it('the embedded database keeps its generated secret: a key still works after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-keytag-'));
    try {
      let gw = await startTestGateway({ database: 'pglite', dataDir, env: QUIET });
      let key: string;
      try {
        const adminToken = await loginAdmin(gw.url);
        const { member } = await seedTenant(gw.url, adminToken);
        key = (await createApiKey(gw.url, member.token)).key;
        await request(gw.url).get('/v1/models').set('x-api-key', key).expect(200);
      } finally {
        await gw.close();
      }
      gw = await startTestGateway({ database: 'pglite', dataDir, env: QUIET });
      try {
        await request(gw.url).get('/v1/models').set('x-api-key', key).expect(200);
      } finally {
        await gw.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('an address that keeps sending invalid keys gets its 401s late', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({ env: { INVALID_KEY_BUDGET_PER_MINUTE: '5', INVALID_KEY_DELAY_MS: '600' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const timed = async (key: string) => {
    const started = performance.now();
    const res = await request(t.gw.url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${key}`)
      .send({ model: 'sim-gpt', messages: [{ role: 'user', content: 'hi' }] });
    return { status: res.status, code: res.body?.error?.code as unknown, ms: performance.now() - started };
  };

  it('answers the first ones at once, then the same 401 after the delay, while valid keys go straight through', async () => {
    const forged = () => `${PREFIX}${base62(RANDOM_CHARS + TAG_CHARS)}`;
    const first = [];
    for (let i = 0; i < 5; i++) first.push(await timed(forged()));
    expect(first.every((r) => r.status === 401 && r.code === 'invalid_api_key')).toBe(true);
    expect(Math.max(...first.map((r) => r.ms))).toBeLessThan(500);

    // Past the budget: a forged key (refused before the body) and a well-formed key this
    // deployment issued but that is revoked (refused by the guard) are both held.
    const revoked = await createApiKey(t.gw.url, t.member.token, {});
    await request(t.gw.url)
      .delete(`/api/v1/api-keys/${revoked.id}`)
      .auth(t.member.token, { type: 'bearer' })
      .expect((r) => expect([200, 204]).toContain(r.status));
    const [late, lateRevoked, valid] = await Promise.all([timed(forged()), timed(revoked.key), timed(t.key)]);
    expect(late).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(late.ms).toBeGreaterThanOrEqual(550);
    expect(lateRevoked).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(lateRevoked.ms).toBeGreaterThanOrEqual(550);
    expect(valid.status).toBe(200);
    expect(valid.ms).toBeLessThan(500);
  });
});
