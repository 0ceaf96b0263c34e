import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { UsageRecorder } from '@switchyard/credits';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApiKey, loginAdmin, seedTenant, seedUser, type SeededUser } from './support/session.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const VERIFY_CLI = resolve(import.meta.dirname, '../dist/libs/credits/src/cli/credits-verify.js');

// Booting gateways and racing many requests take longer than jest's default 5 s on a loaded machine.
jest.setTimeout(30_000);

/** The credits management API over HTTP: balances, the ledger, grants, transfers, usage, verify. */
describe('credits API (real Postgres)', () => {
  let gw: TestGateway;
  let db: DataSource;
  let adminToken: string;
  let a: Awaited<ReturnType<typeof seedTenant>>;
  let b: Awaited<ReturnType<typeof seedTenant>>;

  beforeAll(async () => {
    gw = await startTestGateway({ env: { SIGNUP_CREDITS: '2.5', DATABASE_POOL_SIZE: '16' } });
    db = gw.app.get(DataSource);
    adminToken = await loginAdmin(gw.url);
    [a, b] = await Promise.all([seedTenant(gw.url, adminToken), seedTenant(gw.url, adminToken)]);
  });

  afterEach(async () => {
    const res = await request(gw.url)
      .get('/api/v1/credits/verify')
      .auth(adminToken, { type: 'bearer' })
      .expect(200);
    expect(res.body).toMatchObject({ ok: true, mismatches: [] });
  });

  afterAll(async () => {
    await gw?.close();
  });

  const grant = (token: string, body: object, key: string | null = randomUUID()) => {
    const req = request(gw.url).post('/api/v1/credits/grants').auth(token, { type: 'bearer' });
    return (key === null ? req : req.set('Idempotency-Key', key)).send(body);
  };
  const balance = (token: string, query = '') =>
    request(gw.url).get(`/api/v1/credits/balance${query}`).auth(token, { type: 'bearer' });
  const countEntries = async (): Promise<number> =>
    (await db.query(`SELECT COUNT(*)::int AS n FROM credit_ledger`))[0].n;

  describe('balances', () => {
    it('starts a new user with SIGNUP_CREDITS, granted once as a ledger entry', async () => {
      const user = await seedUser(gw.url, adminToken, a.tenantId, 'member');
      const [first, second] = await Promise.all([balance(user.token), balance(user.token)]);
      expect(first.body).toEqual({ user_id: user.id, tenant_id: a.tenantId, balance: '2.5', reserved: '0' });
      expect(second.body.balance).toBe('2.5');
      const ledger = await request(gw.url)
        .get('/api/v1/credits/ledger')
        .auth(user.token, { type: 'bearer' })
        .expect(200);
      expect(ledger.body).toMatchObject({
        total: 1,
        data: [
          { kind: 'grant', amount: '2.5', balance_after: '2.5', reason: 'signup credits', actor_id: null },
        ],
      });
    });

    it('shows admins the tenant pool and any user of their tenant; members only themselves', async () => {
      const own = await balance(a.admin.token).expect(200);
      expect(own.body.tenant_pool).toEqual({ tenant_id: a.tenantId, balance: expect.any(String) });
      const other = await balance(a.admin.token, `?user_id=${a.member.id}`).expect(200);
      expect(other.body).toMatchObject({ user_id: a.member.id, balance: expect.any(String) });
      const member = await balance(a.member.token).expect(200);
      expect(member.body.tenant_pool).toBeUndefined();
      await balance(a.member.token, `?user_id=${a.admin.id}`).expect(403);
      await balance(a.member.token, '?user_id=not-a-uuid').expect(400);
    });

    it('answers API keys too, with the key budget', async () => {
      const key = await createApiKey(gw.url, a.member.token, { credit_budget: '3' });
      const res = await request(gw.url).get('/api/v1/credits/balance').set('X-Api-Key', key.key).expect(200);
      expect(res.body).toMatchObject({
        user_id: a.member.id,
        api_key: { id: key.id, credit_budget: '3', spent: '0', remaining: '3' },
      });
      // An inference key cannot look at anyone else, nor move money.
      await request(gw.url)
        .get(`/api/v1/credits/balance?user_id=${a.admin.id}`)
        .set('X-Api-Key', key.key)
        .expect(403);
      await request(gw.url).get('/api/v1/credits/ledger').set('X-Api-Key', key.key).expect(403);
    });
  });

  describe('grants', () => {
    it('the same Idempotency-Key sent 50 times at once grants once and returns the same result', async () => {
      const user = await seedUser(gw.url, adminToken, a.tenantId, 'member');
      const key = randomUUID();
      const body = { user_id: user.id, amount: '7.25', reason: 'launch bonus' };
      const responses = await Promise.all(Array.from({ length: 50 }, () => grant(a.admin.token, body, key)));
      expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
      const ids = new Set(responses.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(49);
      expect(responses[0]!.body).toMatchObject({
        kind: 'grant',
        amount: '7.25',
        balance_after: '9.75',
        user_id: user.id,
        actor_id: a.admin.id,
      });
      expect((await balance(user.token)).body.balance).toBe('9.75');
      const [{ n }] = await db.query(
        `SELECT COUNT(*)::int AS n FROM credit_ledger WHERE user_id = $1 AND reason = 'launch bonus'`,
        [user.id],
      );
      expect(n).toBe(1);
      // Later, the same key still answers with the first result.
      const again = await grant(a.admin.token, body, key).expect(201);
      expect(again.body).toEqual(responses[0]!.body);
    });

    it('refuses the same key with a different request (409), and keys are per admin', async () => {
      const key = randomUUID();
      await grant(a.admin.token, { user_id: a.member.id, amount: '1', reason: 'x' }, key).expect(201);
      const before = await countEntries();
      const reused = await grant(
        a.admin.token,
        { user_id: a.member.id, amount: '2', reason: 'x' },
        key,
      ).expect(409);
      expect(reused.body.error).toMatchObject({ code: 'idempotency_key_reused', param: 'Idempotency-Key' });
      expect(await countEntries()).toBe(before);
      // Another admin's identical key is their own.
      await grant(adminToken, { user_id: a.member.id, amount: '2', reason: 'x' }, key).expect(201);
    });

    it.each([
      ['no Idempotency-Key', { amount: '1', reason: 'r' }, null, 'Idempotency-Key'],
      ['a non-numeric amount', { amount: 'ten', reason: 'r' }, 'k', 'amount'],
      ['a zero amount', { amount: '0', reason: 'r' }, 'k', 'amount'],
      ['a negative grant', { amount: '-5', reason: 'r' }, 'k', 'amount'],
      ['seven decimals', { amount: '1.1234567', reason: 'r' }, 'k', 'amount'],
      ['a number instead of a string', { amount: 5, reason: 'r' }, 'k', 'amount'],
      ['a huge amount', { amount: '999999999999', reason: 'r' }, 'k', 'amount'],
      ['no reason', { amount: '1' }, 'k', 'reason'],
      ['an unknown field', { amount: '1', reason: 'r', bonus: true }, 'k', 'bonus'],
      ['both a user and the pool', { amount: '1', reason: 'r', tenant_pool: true }, 'k', 'user_id'],
    ])('answers 400 naming the field for %s, writing nothing', async (_name, body, key, param) => {
      const before = await countEntries();
      const payload = { user_id: a.member.id, ...body } as Record<string, unknown>;
      const res = await grant(a.admin.token, payload, key === null ? null : randomUUID()).expect(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param });
      expect(await countEntries()).toBe(before);
    });

    it('is for admins: members get 403; only platform admins record adjustments', async () => {
      await grant(a.member.token, { user_id: a.member.id, amount: '1', reason: 'me' }).expect(403);
      await grant(a.admin.token, {
        user_id: a.member.id,
        amount: '-1',
        reason: 'fix',
        kind: 'adjustment',
      }).expect(403);
      const user = await seedUser(gw.url, adminToken, a.tenantId, 'member');
      const res = await grant(adminToken, {
        user_id: user.id,
        amount: '-0.5',
        reason: 'fix',
        kind: 'adjustment',
      }).expect(201);
      expect(res.body).toMatchObject({ kind: 'adjustment', amount: '-0.5', balance_after: '2' });
      // Never below zero: 402 with the balance, nothing written.
      const over = await grant(adminToken, {
        user_id: user.id,
        amount: '-3',
        reason: 'fix',
        kind: 'adjustment',
      }).expect(402);
      expect(over.body.error).toMatchObject({ type: 'insufficient_credits', balance: '2' });
    });
  });

  describe('tenant isolation', () => {
    it("another tenant's user is a 404 for balance, ledger, grants and transfers", async () => {
      const before = await countEntries();
      await balance(a.admin.token, `?user_id=${b.member.id}`).expect(404);
      await request(gw.url)
        .get(`/api/v1/credits/ledger?user_id=${b.member.id}`)
        .auth(a.admin.token, { type: 'bearer' })
        .expect(404);
      await grant(a.admin.token, { user_id: b.member.id, amount: '1', reason: 'sneaky' }).expect(404);
      await grant(a.admin.token, {
        tenant_pool: true,
        tenant_id: b.tenantId,
        amount: '1',
        reason: 'sneaky',
      }).expect(404);
      await request(gw.url)
        .post('/api/v1/credits/transfers')
        .auth(a.admin.token, { type: 'bearer' })
        .set('Idempotency-Key', randomUUID())
        .send({ user_id: b.member.id, amount: '1', reason: 'sneaky' })
        .expect(404);
      await request(gw.url)
        .get(`/api/v1/usage?user_id=${b.member.id}`)
        .auth(a.admin.token, { type: 'bearer' })
        .expect(404);
      expect(await countEntries()).toBe(before);
      // A tenant admin's ledger never shows another tenant's entries.
      const ledger = await request(gw.url)
        .get('/api/v1/credits/ledger?limit=200')
        .auth(a.admin.token, { type: 'bearer' })
        .expect(200);
      expect(ledger.body.data.every((e: { tenant_id: string }) => e.tenant_id === a.tenantId)).toBe(true);
      // The platform admin reaches both.
      await balance(adminToken, `?user_id=${b.member.id}`).expect(200);
    });
  });

  describe('the tenant pool and transfers', () => {
    it('a platform admin funds a pool; its tenant admin moves credits to a user, once per key', async () => {
      await grant(adminToken, {
        tenant_pool: true,
        tenant_id: b.tenantId,
        amount: '100',
        reason: 'contract',
      }).expect(201);
      const key = randomUUID();
      const send = () =>
        request(gw.url)
          .post('/api/v1/credits/transfers')
          .auth(b.admin.token, { type: 'bearer' })
          .set('Idempotency-Key', key)
          .send({ user_id: b.member.id, amount: '30', reason: 'allowance' });
      const results = await Promise.all([send(), send(), send(), send(), send()]);
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(results.map((r) => r.body.from.id)).size).toBe(1);
      expect(results[0].body).toMatchObject({
        from: {
          account_kind: 'tenant_pool',
          kind: 'transfer',
          amount: '-30',
          balance_after: '70',
          user_id: null,
        },
        to: { account_kind: 'user', kind: 'transfer', amount: '30', user_id: b.member.id },
      });
      expect((await balance(b.admin.token)).body.tenant_pool.balance).toBe('70');
      expect((await balance(b.member.token)).body.balance).toBe('32.5');

      const before = await countEntries();
      const tooMuch = await request(gw.url)
        .post('/api/v1/credits/transfers')
        .auth(b.admin.token, { type: 'bearer' })
        .set('Idempotency-Key', randomUUID())
        .send({ user_id: b.member.id, amount: '70.000001', reason: 'allowance' })
        .expect(402);
      expect(tooMuch.body.error).toMatchObject({
        type: 'insufficient_credits',
        balance: '70',
        estimate: '70.000001',
      });
      expect(await countEntries()).toBe(before);

      const pool = await request(gw.url)
        .get('/api/v1/credits/ledger?tenant_pool=true')
        .auth(b.admin.token, { type: 'bearer' })
        .expect(200);
      expect(pool.body.data.map((e: { kind: string; amount: string }) => [e.kind, e.amount])).toEqual([
        ['transfer', '-30'],
        ['grant', '100'],
      ]);
      await request(gw.url)
        .post('/api/v1/credits/transfers')
        .auth(b.member.token, { type: 'bearer' })
        .set('Idempotency-Key', randomUUID())
        .send({ user_id: b.member.id, amount: '1', reason: 'me' })
        .expect(403);
    });
  });

  describe('the ledger', () => {
    it('pages and filters by kind, user and time', async () => {
      const user = await seedUser(gw.url, adminToken, a.tenantId, 'member');
      for (const amount of ['1', '2', '3'])
        await grant(a.admin.token, { user_id: user.id, amount, reason: 'r' }).expect(201);
      const get = (q: string) =>
        request(gw.url)
          .get(`/api/v1/credits/ledger?${q}`)
          .auth(a.admin.token, { type: 'bearer' })
          .expect(200);
      const all = await get(`user_id=${user.id}`);
      expect(all.body.total).toBe(4); // signup + 3 grants
      expect(all.body.data.map((e: { amount: string }) => e.amount)).toEqual(['3', '2', '1', '2.5']);
      const paged = await get(`user_id=${user.id}&limit=2&offset=1`);
      expect(paged.body).toMatchObject({ total: 4, limit: 2, offset: 1 });
      expect(paged.body.data.map((e: { amount: string }) => e.amount)).toEqual(['2', '1']);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect((await get(`user_id=${user.id}&from=${future}`)).body.total).toBe(0);
      expect((await get(`user_id=${user.id}&to=${future}&kind=grant`)).body.total).toBe(4);
      expect((await get(`user_id=${user.id}&kind=charge`)).body.total).toBe(0);
      await request(gw.url)
        .get('/api/v1/credits/ledger?kind=bogus')
        .auth(a.admin.token, { type: 'bearer' })
        .expect(400);
      // A member asking for the whole tenant sees only their own entries.
      const mine = await request(gw.url)
        .get('/api/v1/credits/ledger')
        .auth(user.token, { type: 'bearer' })
        .expect(200);
      expect(mine.body.data.every((e: { user_id: string }) => e.user_id === user.id)).toBe(true);
    });
  });

  describe('usage', () => {
    it('writes every field of a flush exactly, however odd the text and however many rows', async () => {
      const recorder = gw.app.get(UsageRecorder);
      const user: SeededUser = await seedUser(gw.url, adminToken, a.tenantId, 'member');
      // The records go to Postgres as one array per column: text that array literals must escape.
      const odd = ['we"ird, {model}', 'back\\slash', 'NULL', '', 'ünï cødé 🚀', "it's"];
      const at = new Date('2030-03-01T10:00:00.123Z');
      const ids = Array.from({ length: 1_200 }, (_, i) => `flush-${randomUUID()}-${i}`);
      ids.forEach((requestId, i) =>
        recorder.record({
          requestId,
          tenantId: a.tenantId,
          userId: user.id,
          provider: 'openai',
          model: odd[i % odd.length]!,
          endpoint: 'chat.completions',
          inputTokens: i,
          outputTokens: 2 * i,
          cost: BigInt(i) * 1_000_000_000n,
          latencyMs: i % 50,
          ...(i % 2 ? { ttftMs: i % 7 } : {}),
          status: i % 5 ? 'ok' : 'error',
          ...(i % 5 ? {} : { errorClass: odd[i % odd.length]! }),
          at,
        }),
      );
      await recorder.flush();
      const rows: Array<Record<string, unknown>> = await db.query(
        `SELECT request_id, model, input_tokens, output_tokens, cost::text AS cost, latency_ms, ttft_ms, status,
                error_class, api_key_id, created_at
           FROM usage_records WHERE request_id = ANY($1) ORDER BY input_tokens`,
        [ids],
      );
      expect(rows).toHaveLength(ids.length);
      rows.forEach((row, i) =>
        expect(row).toEqual({
          request_id: ids[i],
          model: odd[i % odd.length],
          input_tokens: i,
          output_tokens: 2 * i,
          cost: String(BigInt(i) * 1_000_000_000n),
          latency_ms: i % 50,
          ttft_ms: i % 2 ? i % 7 : null,
          status: i % 5 ? 'ok' : 'error',
          error_class: i % 5 ? null : odd[i % odd.length],
          api_key_id: null,
          created_at: at,
        }),
      );
    });

    it('aggregates usage records by day, model, provider, key and user, scoped to the caller', async () => {
      const recorder = gw.app.get(UsageRecorder);
      const user: SeededUser = await seedUser(gw.url, adminToken, a.tenantId, 'member');
      const key = await createApiKey(gw.url, user.token);
      const day1 = new Date('2030-01-01T10:00:00Z');
      const day2 = new Date('2030-01-02T10:00:00Z');
      const base = { tenantId: a.tenantId, userId: user.id, endpoint: 'chat.completions', latencyMs: 100 };
      recorder.record({
        ...base,
        requestId: 'r1',
        apiKeyId: key.id,
        provider: 'openai',
        model: 'gpt-4o-mini',
        inputTokens: 10,
        outputTokens: 5,
        cost: 450n,
        status: 'ok',
        at: day1,
      });
      recorder.record({
        ...base,
        requestId: 'r2',
        apiKeyId: key.id,
        provider: 'openai',
        model: 'gpt-4o-mini',
        inputTokens: 20,
        outputTokens: 5,
        cachedInputTokens: 4,
        cost: 550n,
        status: 'ok',
        at: day1,
        ttftMs: 40,
      });
      recorder.record({
        ...base,
        requestId: 'r3',
        provider: 'anthropic',
        model: 'claude',
        inputTokens: 7,
        outputTokens: 0,
        cost: 0n,
        status: 'error',
        errorClass: 'server',
        latencyMs: 300,
        at: day2,
      });
      recorder.record({
        ...base,
        userId: b.member.id,
        tenantId: b.tenantId,
        requestId: 'r4',
        provider: 'openai',
        model: 'gpt-4o-mini',
        inputTokens: 1,
        outputTokens: 1,
        cost: 9n,
        status: 'ok',
        at: day1,
      });
      await recorder.flush();

      const range = 'from=2030-01-01T00:00:00Z&to=2030-01-03T00:00:00Z';
      const mine = await request(gw.url)
        .get(`/api/v1/usage?${range}&group_by=day,model`)
        .auth(user.token, { type: 'bearer' })
        .expect(200);
      expect(mine.body).toMatchObject({
        group_by: ['day', 'model'],
        truncated: false,
        totals: {
          requests: 3,
          errors: 1,
          input_tokens: '37',
          output_tokens: '10',
          cached_input_tokens: '4',
          cost: '0.001',
        },
        data: [
          { day: '2030-01-01', model: 'gpt-4o-mini', requests: 2, cost: '0.001', avg_latency_ms: 100 },
          { day: '2030-01-02', model: 'claude', requests: 1, errors: 1, cost: '0', avg_latency_ms: 300 },
        ],
      });
      const byKey = await request(gw.url)
        .get(`/api/v1/usage?${range}&group_by=key`)
        .set('X-Api-Key', key.key)
        .expect(200);
      expect(byKey.body.data).toEqual([
        expect.objectContaining({ key: key.id, requests: 2 }),
        expect.objectContaining({ key: null, requests: 1 }),
      ]);
      // The tenant admin sees the tenant (one user here), grouped by provider and user; not tenant B.
      const tenantView = await request(gw.url)
        .get(`/api/v1/usage?${range}&group_by=provider,user`)
        .auth(a.admin.token, { type: 'bearer' })
        .expect(200);
      expect(tenantView.body.totals.requests).toBe(3);
      expect(tenantView.body.data.map((r: { provider: string }) => r.provider)).toEqual([
        'anthropic',
        'openai',
      ]);
      const platform = await request(gw.url)
        .get(`/api/v1/usage?${range}&group_by=`)
        .auth(adminToken, { type: 'bearer' })
        .expect(200);
      expect(platform.body).toMatchObject({ data: [], totals: { requests: 4 } });
      await request(gw.url)
        .get(`/api/v1/usage?${range}&group_by=color`)
        .auth(user.token, { type: 'bearer' })
        .expect(400);
      await request(gw.url)
        .get(`/api/v1/usage?from=2030-01-03T00:00:00Z&to=2030-01-01T00:00:00Z`)
        .auth(user.token, { type: 'bearer' })
        .expect(400);
    });
  });

  describe('documentation', () => {
    it('documents the credits API in Swagger, with the Idempotency-Key header and examples', async () => {
      const doc = (await request(gw.url).get('/docs-json').expect(200)).body;
      for (const path of ['balance', 'ledger', 'grants', 'transfers', 'verify', 'markup']) {
        expect(doc.paths[`/api/v1/credits/${path}`]).toBeDefined();
      }
      expect(doc.paths['/api/v1/usage'].get).toBeDefined();
      expect(doc.paths['/api/v1/credits/grants'].post.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
        ]),
      );
      expect(doc.components.schemas.CreateGrantDto.properties.amount).toMatchObject({
        type: 'string',
        example: '25',
      });
      expect(doc.components.schemas.BalanceView.properties.balance.example).toBe('12.5');
    });
  });

  describe('reconciliation', () => {
    it('verify is for platform admins; it and `npm run credits:verify` catch a tampered balance', async () => {
      await request(gw.url).get('/api/v1/credits/verify').auth(a.admin.token, { type: 'bearer' }).expect(403);
      const env = { PATH: process.env.PATH ?? '', DATABASE_URL: gw.databaseUrl! };
      const clean = await promisify(execFile)(process.execPath, [VERIFY_CLI], { env, cwd: gw.dataDir });
      expect(clean.stdout).toContain('OK: every balance equals the sum of its ledger entries.');

      // Tamper with a balance behind the ledger's back (the ledger itself cannot be edited).
      const [account] = await db.query(`SELECT id FROM credit_accounts WHERE user_id = $1`, [a.member.id]);
      await db.query(`UPDATE credit_accounts SET balance = balance + 1 WHERE id = $1`, [account.id]);
      try {
        const report = await request(gw.url)
          .get('/api/v1/credits/verify')
          .auth(adminToken, { type: 'bearer' })
          .expect(200);
        expect(report.body).toMatchObject({
          ok: false,
          mismatches: [{ check: 'balance', subject: account.id, actual: expect.any(String) }],
        });
        const failed = await promisify(execFile)(process.execPath, [VERIFY_CLI], {
          env,
          cwd: gw.dataDir,
        }).catch((err: { code: number; stdout: string }) => err);
        expect(failed).toMatchObject({
          code: 1,
          stdout: expect.stringContaining(`MISMATCH balance ${account.id}`),
        });
      } finally {
        await db.query(`UPDATE credit_accounts SET balance = balance - 1 WHERE id = $1`, [account.id]);
      }
    });
  });
});
