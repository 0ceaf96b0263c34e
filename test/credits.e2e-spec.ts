import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { InsufficientCreditsError } from '@switchyard/core';
import {
  CreditsService,
  ReservationSweeper,
  statementOf,
  type LedgerOp,
  type Reservation,
} from '@switchyard/credits';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  createApiKey,
  loginAdmin,
  seedTenant,
  seedUser,
  unique,
  type SeededUser,
} from './support/session.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

// Booting gateways and racing many requests take longer than jest's default 5 s on a loaded machine.
jest.setTimeout(30_000);

/**
 * The credits service as the chat pipeline drives it (reserve, settle, release), the sweeper and
 * the ledger's guarantees, on the real Postgres. After every test the whole ledger reconciles.
 */
describe('credits: reservations and the ledger (real Postgres)', () => {
  let gw: TestGateway;
  let credits: CreditsService;
  let db: DataSource;
  let adminToken: string;
  let tenant: Awaited<ReturnType<typeof seedTenant>>;

  beforeAll(async () => {
    gw = await startTestGateway({
      env: {
        SIGNUP_CREDITS: '0',
        DATABASE_POOL_SIZE: '16',
        // The timers stay out of the way; the tests run the sweeper themselves.
        RESERVATION_TTL_SECONDS: '7200',
        CREDITS_SWEEP_INTERVAL_SECONDS: '3600',
      },
    });
    credits = gw.app.get(CreditsService);
    db = gw.app.get(DataSource);
    adminToken = await loginAdmin(gw.url);
    tenant = await seedTenant(gw.url, adminToken);
  });

  afterEach(async () => {
    const report = (
      await request(gw.url).get('/api/v1/credits/verify').auth(adminToken, { type: 'bearer' }).expect(200)
    ).body;
    expect(report).toMatchObject({ ok: true, mismatches: [] });
  });

  afterAll(async () => {
    await gw?.close();
  });

  /** A fresh member with exactly `credits` (a decimal string). */
  async function fundedUser(credits: string): Promise<SeededUser> {
    const user = await seedUser(gw.url, adminToken, tenant.tenantId, 'member');
    if (credits !== '0') {
      await request(gw.url)
        .post('/api/v1/credits/grants')
        .auth(adminToken, { type: 'bearer' })
        .set('Idempotency-Key', randomUUID())
        .send({ user_id: user.id, amount: credits, reason: 'test funding' })
        .expect(201);
    }
    return user;
  }

  async function balanceOf(user: SeededUser): Promise<{ balance: string; reserved: string }> {
    return (
      await request(gw.url).get('/api/v1/credits/balance').auth(user.token, { type: 'bearer' }).expect(200)
    ).body;
  }

  async function ledgerOf(
    userId: string,
  ): Promise<Array<{ kind: string; amount: string; metadata: object }>> {
    return db.query(
      `SELECT l.kind, l.amount::text AS amount, l.metadata FROM credit_ledger l WHERE l.user_id = $1 ORDER BY l.id`,
      [userId],
    );
  }

  async function sumOf(userId: string): Promise<{ balance: string; sum: string }> {
    const [row] = await db.query(
      `SELECT a.balance::text AS balance, (SELECT COALESCE(SUM(amount), 0) FROM credit_ledger l WHERE l.account_id = a.id)::text AS sum
         FROM credit_accounts a WHERE a.user_id = $1`,
      [userId],
    );
    return row;
  }

  const reserveFor = (user: SeededUser, amount: bigint, apiKeyId?: string) =>
    credits.reserve({
      tenantId: user.tenantId,
      userId: user.id,
      apiKeyId,
      requestId: unique('req'),
      amount,
      model: 'simulator/sim-gpt',
    });

  /** Fires `calls` concurrent reserve+settle(cost) flows; counts successes and 402s. */
  async function race(calls: number, fire: () => Promise<Reservation>, cost: bigint) {
    const outcomes = await Promise.allSettled(
      Array.from({ length: calls }, async () => {
        const reservation = await fire();
        return credits.settle(reservation, cost, { provider: 'simulator', usage: { input_tokens: 10 } });
      }),
    );
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter(
      (o) =>
        o.status === 'rejected' && o.reason instanceof InsufficientCreditsError && o.reason.status === 402,
    );
    expect(ok.length + refused.length).toBe(calls);
    return { ok, refused: refused as PromiseRejectedResult[] };
  }

  it('a user funded for exactly N calls, firing 20N at once: N succeed, the rest get 402, the balance ends at 0', async () => {
    const N = 5;
    const cost = 1000n; // 0.001 credits
    const user = await fundedUser('0.005');
    const { ok, refused } = await race(20 * N, () => reserveFor(user, cost), cost);
    expect(ok).toHaveLength(N);
    expect(refused).toHaveLength(19 * N);
    for (const r of refused) {
      const err = r.reason as InsufficientCreditsError;
      expect(err.toEnvelope().error).toMatchObject({
        type: 'insufficient_credits',
        code: 'insufficient_credits',
        estimate: '0.001',
      });
      expect(err.details.balance).toMatch(/^0(\.00[0-5])?$/);
    }
    expect(await balanceOf(user)).toEqual(expect.objectContaining({ balance: '0', reserved: '0' }));
    expect(await sumOf(user.id)).toEqual({ balance: '0', sum: '0' });
    // A refusal writes nothing: one grant, then exactly one charge per success (a reservation
    // is a hold on the account, not a ledger entry).
    const kinds = (await ledgerOf(user.id)).map((e) => e.kind);
    expect(kinds).toEqual(['grant', ...Array<string>(N).fill('charge')]);
    const [{ n }] = await db.query(`SELECT COUNT(*)::int AS n FROM credit_reservations WHERE user_id = $1`, [
      user.id,
    ]);
    expect(n).toBe(N);
  });

  it("an API key's credit budget holds the same way under 20N concurrent calls", async () => {
    const N = 4;
    const cost = 2500n;
    const user = await fundedUser('100');
    const key = await createApiKey(gw.url, user.token, { credit_budget: '0.01' });
    const { ok, refused } = await race(20 * N, () => reserveFor(user, cost, key.id), cost);
    expect(ok).toHaveLength(N);
    expect(refused).toHaveLength(19 * N);
    const details = (refused[0]!.reason as InsufficientCreditsError).details;
    expect(details).toEqual({ budget_remaining: expect.stringMatching(/^0(\.\d+)?$/), estimate: '0.0025' });
    const [spend] = await db.query(
      `SELECT spent::text AS spent FROM credit_key_spend WHERE api_key_id = $1`,
      [key.id],
    );
    expect(spend.spent).toBe('10000');
    expect((await balanceOf(user)).balance).toBe('99.99');
    const viaKey = await request(gw.url)
      .get('/api/v1/credits/balance')
      .auth(key.key, { type: 'bearer' })
      .expect(200);
    expect(viaKey.body.api_key).toEqual({ id: key.id, credit_budget: '0.01', spent: '0.01', remaining: '0' });
  });

  it('a key without a budget counts only what its calls were charged, added as each settles', async () => {
    const user = await fundedUser('1');
    const key = await createApiKey(gw.url, user.token);
    const spentOf = async () =>
      (
        await db.query(
          `SELECT COALESCE((SELECT spent::text FROM credit_key_spend WHERE api_key_id = $1), '0') AS s`,
          [key.id],
        )
      )[0].s as string;
    const r = await reserveFor(user, 20_000n, key.id);
    // The hold is the account's (what it can spend drops), not the key's.
    expect(await balanceOf(user)).toEqual(expect.objectContaining({ balance: '0.98', reserved: '0.02' }));
    expect(await spentOf()).toBe('0');
    expect(await credits.settle(r, 7_000n)).toBe(7_000n);
    expect(await spentOf()).toBe('7000');
    const failed = await reserveFor(user, 20_000n, key.id);
    await credits.release(failed);
    expect(await spentOf()).toBe('7000');
    const viaKey = await request(gw.url)
      .get('/api/v1/credits/balance')
      .auth(key.key, { type: 'bearer' })
      .expect(200);
    expect(viaKey.body.api_key).toEqual({ id: key.id, credit_budget: null, spent: '0.007', remaining: null });
  });

  it('calls in flight share their transactions (group commit): 60 reserve+settle flows, far fewer than 120 commits', async () => {
    const user = await fundedUser('10');
    const { ok } = await race(60, () => reserveFor(user, 1_000n), 1_000n);
    expect(ok).toHaveLength(60);
    // A reservation row's created_at is now() of the transaction that wrote it (the same for
    // every row of one transaction), and ledger rows are never updated (xmin): count the
    // distinct transactions that wrote the reservations and the charges.
    const [{ reserves }] = await db.query(
      `SELECT COUNT(DISTINCT created_at)::int AS reserves FROM credit_reservations WHERE user_id = $1`,
      [user.id],
    );
    const [{ settles }] = await db.query(
      `SELECT COUNT(DISTINCT xmin::text)::int AS settles FROM credit_ledger WHERE user_id = $1 AND kind = 'charge'`,
      [user.id],
    );
    expect(reserves).toBeGreaterThan(0);
    expect(settles).toBeGreaterThan(0);
    expect(reserves + settles).toBeLessThan(30);
    expect((await balanceOf(user)).balance).toBe('9.94');
    expect(await sumOf(user.id)).toEqual({ balance: '9940000', sum: '9940000' });
  });

  /** A `reserve` op as the ledger batcher sends it: `amount` micro-credits for 60 s. */
  const reserveOp = (user: SeededUser, amount: number): LedgerOp => ({
    op: 'reserve',
    tenant: user.tenantId,
    user: user.id,
    key: null,
    request: unique('req'),
    amount: String(amount),
    model: null,
    signup: '0',
    ttl: 60,
  });

  it('a batch that only reserves does not wait for the WAL flush; a batch with a settlement does', async () => {
    const user = await fundedUser('1');
    const apply = async (ops: object[]) => {
      const runner = db.createQueryRunner();
      try {
        await runner.startTransaction();
        const rows = await runner.query('SELECT * FROM credits_apply($1::jsonb)', [JSON.stringify(ops)]);
        const [{ synchronous_commit }] = await runner.query('SHOW synchronous_commit');
        await runner.commitTransaction();
        return { rows, synchronous_commit };
      } finally {
        await runner.release();
      }
    };
    const reserve = (amount: number) => reserveOp(user, amount);
    const reserved = await apply([reserve(1_000), reserve(2_000)]);
    expect(reserved.rows.map((r: { r_status: string }) => r.r_status)).toEqual(['ok', 'ok']);
    expect(reserved.synchronous_commit).toBe('off');
    const [first, second] = reserved.rows as Array<{ r_reservation: string }>;
    // The settlement's commit waits for the flush, which also makes the reservations before it durable.
    const settled = await apply([
      { op: 'settle', reservation: first!.r_reservation, actual: '500', metadata: {}, outcome: 'settled' },
      reserve(3_000),
    ]);
    expect(settled.synchronous_commit).toBe('on');
    const released = await apply([
      { op: 'settle', reservation: second!.r_reservation, actual: '0', metadata: {}, outcome: 'released' },
    ]);
    expect(released.synchronous_commit).toBe('on');
    // 1 credit − 500 charged is the ledger's balance; the third reservation holds 3,000 of it
    // (micro-credits), so 0.9965 can be spent.
    expect(await sumOf(user.id)).toEqual({ balance: '999500', sum: '999500' });
    expect(await balanceOf(user)).toEqual(expect.objectContaining({ balance: '0.9965', reserved: '0.003' }));
  });

  it('with CREDITS_SYNCHRONOUS_COMMIT=off, every ledger statement commits without waiting for the WAL flush', async () => {
    const user = await fundedUser('1');
    const run = async (ops: LedgerOp[], flush: boolean) => {
      const [text, values] = statementOf(
        ops.map((op) => ({ op })),
        flush,
      );
      const runner = db.createQueryRunner();
      try {
        await runner.startTransaction();
        const rows = (await runner.query(text, values)) as Array<{ r_status: string; r_reservation: string }>;
        const [{ synchronous_commit }] = await runner.query('SHOW synchronous_commit');
        await runner.commitTransaction();
        return { statuses: rows.map((r) => r.r_status), rows, synchronous_commit };
      } finally {
        await runner.release();
      }
    };
    const charge = (amount: number): LedgerOp => ({
      op: 'charge',
      tenant: user.tenantId,
      user: user.id,
      key: null,
      request: unique('req'),
      amount: String(amount),
      signup: '0',
      metadata: { model: 'simulator/sim-gpt' },
      idem: `call:${randomUUID()}`,
    });
    const reserve = (amount: number) => reserveOp(user, amount);
    // The default waits for the flush (the server's setting).
    expect(await run([charge(1_000)], true)).toMatchObject({ statuses: ['ok'], synchronous_commit: 'on' });
    expect(await run([charge(1_000)], false)).toMatchObject({ statuses: ['ok'], synchronous_commit: 'off' });
    const held = await run([reserve(2_000)], false);
    expect(held).toMatchObject({ statuses: ['ok'], synchronous_commit: 'off' });
    // A reservation never waits for the flush (decision 0008), alone (credits_reserve) as in a batch.
    expect(await run([reserve(1_000)], true)).toMatchObject({ statuses: ['ok'], synchronous_commit: 'off' });
    const settle: LedgerOp = {
      op: 'settle',
      reservation: held.rows[0]!.r_reservation,
      actual: '500',
      metadata: {},
      outcome: 'settled',
    };
    expect(await run([settle], false)).toMatchObject({ statuses: ['settled'], synchronous_commit: 'off' });
    expect(await run([charge(1_000), reserve(3_000)], false)).toMatchObject({
      statuses: ['ok', 'ok'],
      synchronous_commit: 'off',
    });
    // 1 credit − 3 × 1,000 charged − 500 settled; 1,000 + 3,000 held (micro-credits).
    expect(await sumOf(user.id)).toEqual({ balance: '996500', sum: '996500' });
    expect(await balanceOf(user)).toEqual(expect.objectContaining({ balance: '0.9925', reserved: '0.004' }));
  });

  it('a batch whose session the server ends is not run again op by op: it may have committed', async () => {
    const user = await fundedUser('1');
    // Another transaction holds the account row, so the lane's statements wait on it.
    const runner = db.createQueryRunner();
    await runner.startTransaction();
    await runner.query('SELECT 1 FROM credit_accounts WHERE user_id = $1 FOR UPDATE', [user.id]);
    const charge = () =>
      credits
        .chargeCall({
          tenantId: user.tenantId,
          userId: user.id,
          requestId: unique('req'),
          amount: 1_000n,
          metadata: {},
        })
        .then(
          () => 'charged',
          (err: unknown) => (err as Error).message,
        );
    /** Ends the session of the ledger statement waiting on the lock (FATAL 57P01): a lone charge's
     * credits_charge, a batch's credits_apply. */
    const terminateWaiting = async () => {
      for (let i = 0; i < 250; i++) {
        const [row] = await db.query(
          `SELECT pid FROM pg_stat_activity WHERE state = 'active' AND wait_event_type = 'Lock'
              AND (query LIKE '%FROM credits_apply(%' OR query LIKE '%FROM credits_charge(%')`,
        );
        if (row) return db.query('SELECT pg_terminate_backend($1)', [row.pid]);
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('no ledger statement waited on the lock');
    };
    try {
      const alone = charge();
      // Queued behind it in the user's lane: they go as one batch of two.
      const batched = [charge(), charge()];
      await terminateWaiting();
      expect(await alone).toMatch(/terminating connection/);
      await terminateWaiting();
      await runner.rollbackTransaction();
      // Both fail, as after a lost connection; retried one by one they would have been charged.
      expect(await Promise.all(batched)).toEqual([
        expect.stringMatching(/terminating connection/),
        expect.stringMatching(/terminating connection/),
      ]);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    expect(await ledgerOf(user.id)).toEqual([expect.objectContaining({ kind: 'grant' })]);
    expect(await sumOf(user.id)).toEqual({ balance: '1000000', sum: '1000000' });
  });

  it('an op that fails inside a batch fails alone; the rest of its batch commits', async () => {
    const user = await fundedUser('1');
    const outcomes = await Promise.allSettled([
      reserveFor(user, 1_000n),
      // Not a uuid: Postgres raises inside the batch statement.
      credits.reserve({ tenantId: 'not-a-uuid', userId: user.id, requestId: unique('req'), amount: 1n }),
      reserveFor(user, 2_000n),
      reserveFor(user, 3_000n),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    for (const o of outcomes) if (o.status === 'fulfilled') await credits.release(o.value);
    expect(await balanceOf(user)).toEqual(expect.objectContaining({ balance: '1', reserved: '0' }));
  });

  it('a lone charge (its own statement) writes one entry with its metadata; refused, it writes nothing', async () => {
    const user = await fundedUser('1');
    const charged = await credits.chargeCall({
      tenantId: user.tenantId,
      userId: user.id,
      requestId: unique('req'),
      amount: 1_000n,
      // No API key; a bigint, as metadata may carry one.
      metadata: { model: 'simulator/sim-gpt', tokens: 12345678901234567890n },
    });
    expect(charged).toBe(1_000n);
    const refused = await credits
      .chargeCall({
        tenantId: user.tenantId,
        userId: user.id,
        requestId: unique('req'),
        amount: 2_000_000n,
        metadata: {},
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InsufficientCreditsError);
    expect(await ledgerOf(user.id)).toEqual([
      expect.objectContaining({ kind: 'grant' }),
      {
        kind: 'charge',
        amount: '-1000',
        metadata: { model: 'simulator/sim-gpt', tokens: '12345678901234567890' },
      },
    ]);
    expect(await sumOf(user.id)).toEqual({ balance: '999000', sum: '999000' });
  });

  it('a refused reservation says why, with the balance and the estimate, and writes nothing', async () => {
    const user = await fundedUser('0.5');
    const before = await ledgerOf(user.id);
    const err = (await reserveFor(user, 600_000n).catch((e: unknown) => e)) as InsufficientCreditsError;
    expect(err).toBeInstanceOf(InsufficientCreditsError);
    expect(err.status).toBe(402);
    expect(err.details).toEqual({ balance: '0.5', estimate: '0.6' });
    expect(await ledgerOf(user.id)).toEqual(before);
    expect((await balanceOf(user)).balance).toBe('0.5');
  });

  it("a lone reservation over its key's budget is refused with what the key has left, and writes nothing", async () => {
    const user = await fundedUser('1');
    const key = await createApiKey(gw.url, user.token, { credit_budget: '0.001' });
    const before = await ledgerOf(user.id);
    const err = (await reserveFor(user, 2_000n, key.id).catch((e: unknown) => e)) as InsufficientCreditsError;
    expect(err).toBeInstanceOf(InsufficientCreditsError);
    expect(err.details).toEqual({ budget_remaining: '0.001', estimate: '0.002' });
    const [{ spends, holds }] = await db.query(
      `SELECT (SELECT COUNT(*) FROM credit_key_spend WHERE api_key_id = $1)::int AS spends,
              (SELECT COUNT(*) FROM credit_reservations WHERE api_key_id = $1)::int AS holds`,
      [key.id],
    );
    expect({ spends, holds }).toEqual({ spends: 0, holds: 0 });
    expect(await ledgerOf(user.id)).toEqual(before);
    expect(await balanceOf(user)).toEqual(expect.objectContaining({ balance: '1', reserved: '0' }));
  });

  it('settles the actual cost and releases the rest; the charge never exceeds the reservation', async () => {
    const user = await fundedUser('1');
    const small = await reserveFor(user, 10_000n);
    expect(await balanceOf(user)).toEqual(expect.objectContaining({ balance: '0.99', reserved: '0.01' }));
    expect(await credits.settle(small, 3_000n, { provider: 'simulator', input_tokens: 12n })).toBe(3_000n);
    expect(await balanceOf(user)).toEqual(expect.objectContaining({ balance: '0.997', reserved: '0' }));

    const capped = await reserveFor(user, 10_000n);
    expect(await credits.settle(capped, 50_000n)).toBe(10_000n);
    expect((await balanceOf(user)).balance).toBe('0.987');

    const charges = (await ledgerOf(user.id)).filter((e) => e.kind === 'charge');
    expect(charges.map((c) => c.amount)).toEqual(['-3000', '-10000']);
    expect(charges[0]!.metadata).toEqual({
      model: 'simulator/sim-gpt',
      provider: 'simulator',
      input_tokens: '12',
      held: '10000',
    });
  });

  it('settle and release are idempotent, also when repeated concurrently', async () => {
    const user = await fundedUser('1');
    const r = await reserveFor(user, 20_000n);
    const charged = await Promise.all(Array.from({ length: 10 }, () => credits.settle(r, 7_000n)));
    expect(charged).toEqual(Array(10).fill(7_000n));
    await credits.release(r); // too late: already settled, changes nothing
    expect(await credits.settle(r, 20_000n)).toBe(7_000n);
    expect((await balanceOf(user)).balance).toBe('0.993');

    const failed = await reserveFor(user, 20_000n);
    await Promise.all([credits.release(failed), credits.release(failed), credits.release(failed)]);
    expect(await credits.settle(failed, 5_000n)).toBe(0n); // released: a failed call pays nothing
    expect(await balanceOf(user)).toEqual(expect.objectContaining({ balance: '0.993', reserved: '0' }));
    // One entry for the settled call (what it held in its metadata), none for the released one.
    const ledger = await ledgerOf(user.id);
    expect(ledger.map((e) => e.kind)).toEqual(['grant', 'charge']);
    expect(ledger[1]!.metadata).toMatchObject({ held: '20000' });
  });

  it('a free call reserves nothing and is charged nothing, even on an empty balance', async () => {
    const user = await fundedUser('0');
    const r = await reserveFor(user, 0n);
    expect(await credits.settle(r, 123n)).toBe(0n);
    expect((await balanceOf(user)).balance).toBe('0');
  });

  it('the sweeper releases a reservation whose process died, and never one that is still live', async () => {
    const sweeper = gw.app.get(ReservationSweeper);
    const user = await fundedUser('1');
    const expire = (id: string) =>
      db.query(`UPDATE credit_reservations SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);

    // Still served by this process: renewing pushes its expiry on, so the sweep leaves it alone.
    const live = await reserveFor(user, 100_000n);
    await expire(live.id);
    await sweeper.renew();
    expect(await sweeper.sweep()).toBe(0);

    // A reservation nobody renews (its process is gone) is released once it expires.
    const dead = await reserveFor(user, 200_000n);
    await credits.release(live);
    await db.query(`UPDATE credit_reservations SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      dead.id,
    ]);
    expect(await balanceOf(user)).toEqual(expect.objectContaining({ balance: '0.8', reserved: '0.2' }));
    expect(await sweeper.sweep()).toBe(1);
    expect(await balanceOf(user)).toEqual(expect.objectContaining({ balance: '1', reserved: '0' }));
    const [row] = await db.query(
      `SELECT status, charged::text AS charged FROM credit_reservations WHERE id = $1`,
      [dead.id],
    );
    expect(row).toEqual({ status: 'expired', charged: '0' });

    // Had its request finished after all, what the client saw is still charged (late).
    expect(await credits.settle(dead, 50_000n)).toBe(50_000n);
    expect((await balanceOf(user)).balance).toBe('0.95');
    expect(await credits.settle(dead, 50_000n)).toBe(50_000n);
    const late = (await ledgerOf(user.id)).filter((e) => e.kind === 'charge');
    expect(late).toEqual([
      expect.objectContaining({ amount: '-50000', metadata: expect.objectContaining({ late: true }) }),
    ]);
  });

  it('several sweepers at once release each expired reservation exactly once', async () => {
    const sweeper = gw.app.get(ReservationSweeper);
    const user = await fundedUser('1');
    const held = await Promise.all(Array.from({ length: 12 }, () => reserveFor(user, 10_000n)));
    await db.query(
      `UPDATE credit_reservations SET expires_at = now() - interval '1 second' WHERE id = ANY($1::uuid[])`,
      [held.map((r) => r.id)],
    );
    // Nothing renews them (the tests' timers are off): they stand for a crashed process's reservations.
    const swept = await Promise.all([sweeper.sweep(), sweeper.sweep(), sweeper.sweep()]);
    expect(swept.reduce((a, b) => a + b, 0)).toBe(12);
    expect((await balanceOf(user)).balance).toBe('1');
  });

  it('the ledger is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    await fundedUser('1');
    await expect(db.query(`UPDATE credit_ledger SET amount = amount * 2`)).rejects.toThrow(
      /append-only: UPDATE/,
    );
    await expect(db.query(`DELETE FROM credit_ledger`)).rejects.toThrow(/append-only: DELETE/);
    await expect(db.query(`TRUNCATE credit_ledger`)).rejects.toThrow(/append-only: TRUNCATE/);
    // And no balance can go below zero, whoever writes it.
    await expect(db.query(`UPDATE credit_accounts SET balance = -1`)).rejects.toThrow(
      /credit_accounts_balance_check/,
    );
    // Nor can an entry carry the wrong sign for its kind.
    const [account] = await db.query(`SELECT id, tenant_id FROM credit_accounts LIMIT 1`);
    await expect(
      db.query(
        `INSERT INTO credit_ledger (account_id, tenant_id, kind, amount, balance_after) VALUES ($1, $2, 'charge', 5, 0)`,
        [account.id, account.tenant_id],
      ),
    ).rejects.toThrow(/credit_ledger_sign_check/);
  });

  it('prices with the tenant markup, cached and changed at once', async () => {
    expect(await credits.markupFor(tenant.tenantId)).toBe('1');
    await request(gw.url)
      .put('/api/v1/credits/markup')
      .auth(adminToken, { type: 'bearer' })
      .send({ tenant_id: tenant.tenantId, markup: '1.250' })
      .expect(200, { tenant_id: tenant.tenantId, markup: '1.25' });
    expect(await credits.markupFor(tenant.tenantId)).toBe('1.25');
    await request(gw.url)
      .get('/api/v1/credits/markup')
      .auth(tenant.admin.token, { type: 'bearer' })
      .expect(200, { tenant_id: tenant.tenantId, markup: '1.25' });
    await request(gw.url)
      .put('/api/v1/credits/markup')
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ tenant_id: tenant.tenantId, markup: '0.5' })
      .expect(403);
  });
});
