import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
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

jest.setTimeout(60_000);

/**
 * credits_apply writes each table once per batch (decision 0026): the same ops, sent as batches
 * through credits_apply in one world and one by one through the row-at-a-time functions
 * (credits_reserve, credits_settle) in a twin world, must give the same answers, balances, holds,
 * ledger entries (running balances and metadata included), reservations and key spends. The
 * batches mix users, refusals, a key budget, a late charge, a duplicate settlement, a missing
 * reservation and a hold freed and reused within one batch.
 */
describe('credits_apply: a batch equals its ops one by one (real Postgres)', () => {
  let gw: TestGateway;
  let db: DataSource;
  let adminToken: string;

  beforeAll(async () => {
    gw = await startTestGateway({ env: { SIGNUP_CREDITS: '0', CREDITS_SWEEP_INTERVAL_SECONDS: '3600' } });
    db = gw.app.get(DataSource);
    adminToken = await loginAdmin(gw.url);
  });

  afterAll(async () => {
    await gw?.close();
  });

  interface World {
    tenant: string;
    rich: SeededUser;
    poor: SeededUser;
    plainKey: string;
    budgetKey: string;
  }

  async function world(): Promise<World> {
    const { tenantId } = await seedTenant(gw.url, adminToken);
    const fund = async (user: SeededUser, amount: string) =>
      request(gw.url)
        .post('/api/v1/credits/grants')
        .auth(adminToken, { type: 'bearer' })
        .set('Idempotency-Key', randomUUID())
        .send({ user_id: user.id, amount, reason: 'test funding' })
        .expect(201);
    const rich = await seedUser(gw.url, adminToken, tenantId, 'member');
    const poor = await seedUser(gw.url, adminToken, tenantId, 'member');
    await fund(rich, '1');
    await fund(poor, '0.005');
    const plainKey = (await createApiKey(gw.url, rich.token)).id;
    const budgetKey = (await createApiKey(gw.url, rich.token, { credit_budget: '0.003' })).id;
    return { tenant: tenantId, rich, poor, plainKey, budgetKey };
  }

  type Op =
    | { op: 'reserve'; who: 'rich' | 'poor'; key?: 'plain' | 'budget'; amount: number }
    | { op: 'charge'; who: 'rich' | 'poor'; key?: 'plain' | 'budget'; amount: number; idem?: string }
    | { op: 'settle'; of: number | 'nowhere'; actual: number; outcome: string };

  /** The scenario: batches of ops; a settle names the reserve by its position among all reserves. */
  const batches: Op[][] = [
    [
      { op: 'reserve', who: 'rich', key: 'plain', amount: 2000 }, // 0
      { op: 'reserve', who: 'rich', key: 'budget', amount: 2000 }, // 1
      { op: 'reserve', who: 'rich', key: 'budget', amount: 2000 }, // refused: the key's budget
      { op: 'reserve', who: 'poor', amount: 3000 }, // 2
      { op: 'reserve', who: 'poor', amount: 3000 }, // refused: the balance
      { op: 'reserve', who: 'rich', amount: 0 }, // 3
      { op: 'reserve', who: 'poor', amount: 2000 }, // 4: fits exactly
      { op: 'reserve', who: 'rich', key: 'plain', amount: 1000 }, // 5
      { op: 'charge', who: 'rich', key: 'plain', amount: 300, idem: 'first' }, // a call charged without a hold
      { op: 'charge', who: 'poor', amount: 10_000 }, // refused: the balance (its holds count)
    ],
    [
      { op: 'settle', of: 5, actual: 0, outcome: 'expired' },
      { op: 'settle', of: 5, actual: 700, outcome: 'settled' }, // late charge after the expiry
      { op: 'settle', of: 0, actual: 1500, outcome: 'settled' },
      { op: 'settle', of: 0, actual: 1500, outcome: 'settled' }, // again: the first answer
      { op: 'settle', of: 1, actual: 500, outcome: 'settled' }, // the key's spend drops to 500
      { op: 'reserve', who: 'rich', key: 'budget', amount: 2500 }, // 6: 500 + 2500 fits the budget
      { op: 'settle', of: 2, actual: 0, outcome: 'released' },
      { op: 'settle', of: 3, actual: 0, outcome: 'settled' },
      { op: 'settle', of: 4, actual: 99_999, outcome: 'settled' }, // capped at the hold
      { op: 'settle', of: 'nowhere', actual: 10, outcome: 'settled' },
      { op: 'reserve', who: 'poor', amount: 3000 }, // 7: the released hold, reused
      { op: 'reserve', who: 'poor', amount: 1 }, // refused: nothing left
      { op: 'charge', who: 'rich', amount: 0 }, // a free call: nothing written
    ],
    [
      { op: 'settle', of: 6, actual: 2500, outcome: 'settled' },
      { op: 'reserve', who: 'rich', key: 'plain', amount: 4000 }, // 8
      { op: 'settle', of: 7, actual: 1234, outcome: 'settled' },
      { op: 'charge', who: 'rich', key: 'budget', amount: 1 }, // refused: the key's budget is spent
      { op: 'charge', who: 'poor', amount: 766 }, // the hold freed above pays for it
      { op: 'charge', who: 'rich', key: 'plain', amount: 50 },
      { op: 'charge', who: 'rich', key: 'plain', amount: 300, idem: 'first' }, // run again: the first outcome
    ],
    [
      { op: 'settle', of: 8, actual: 0, outcome: 'released' },
      { op: 'charge', who: 'rich', key: 'budget', amount: 0 }, // within a spent budget: free
    ],
    [{ op: 'charge', who: 'rich', key: 'plain', amount: 25 }], // alone: the row-at-a-time function
  ];

  /** Runs the scenario; `batched` sends each batch as one credits_apply, else op by op. */
  async function run(w: World, batched: boolean): Promise<unknown[]> {
    const reservations: string[] = [];
    const answers: unknown[] = [];
    // A charge's idempotency key, by label (the same label twice is the same charge run again).
    const keys = new Map<string, string>();
    const idem = (label?: string) => {
      if (!label) return `call:${randomUUID()}`;
      if (!keys.has(label)) keys.set(label, `call:${randomUUID()}`);
      return keys.get(label)!;
    };
    for (const batch of batches) {
      const ops = batch.map((o) =>
        o.op === 'reserve'
          ? {
              op: 'reserve',
              tenant: w.tenant,
              user: w[o.who].id,
              key: o.key === 'plain' ? w.plainKey : o.key === 'budget' ? w.budgetKey : null,
              request: unique('req'),
              amount: String(o.amount),
              model: 'simulator/sim-gpt',
              signup: '0',
              ttl: 600,
            }
          : o.op === 'charge'
            ? {
                op: 'charge',
                tenant: w.tenant,
                user: w[o.who].id,
                key: o.key === 'plain' ? w.plainKey : o.key === 'budget' ? w.budgetKey : null,
                request: unique('req'),
                amount: String(o.amount),
                signup: '0',
                metadata: { provider: 'simulator', model: 'simulator/sim-gpt', input_tokens: '3' },
                idem: idem(o.idem),
              }
            : {
                op: 'settle',
                reservation: o.of === 'nowhere' ? randomUUID() : reservations[o.of]!,
                actual: String(o.actual),
                metadata: { provider: 'simulator', input_tokens: '3' },
                outcome: o.outcome,
              },
      );
      let rows: Array<Record<string, unknown>>;
      if (batched) {
        rows = await db.query('SELECT * FROM credits_apply($1::jsonb)', [JSON.stringify(ops)]);
      } else {
        rows = [];
        for (const [i, op] of ops.entries()) {
          const [row] =
            op.op === 'reserve'
              ? await db.query('SELECT * FROM credits_reserve($1, $2, $3, $4, $5, $6, $7, $8)', [
                  op.tenant,
                  op.user,
                  op.key,
                  op.request,
                  op.amount,
                  op.model,
                  op.signup,
                  op.ttl,
                ])
              : op.op === 'charge'
                ? await db.query('SELECT * FROM credits_charge($1, $2, $3, $4, $5, $6, $7, $8)', [
                    op.tenant,
                    op.user,
                    op.key,
                    op.request,
                    op.amount,
                    op.signup,
                    JSON.stringify(op.metadata),
                    op.idem,
                  ])
                : await db.query('SELECT * FROM credits_settle($1, $2, $3, $4)', [
                    op.reservation,
                    op.actual,
                    JSON.stringify(op.metadata),
                    op.outcome,
                  ]);
          rows.push({ r_index: i, r_charged: null, ...row });
        }
      }
      expect(rows.map((r) => r.r_index)).toEqual(ops.map((_, i) => i));
      for (const [i, row] of rows.entries()) {
        if (batch[i]!.op === 'reserve' && row.r_status === 'ok')
          reservations.push(row.r_reservation as string);
        answers.push({
          status: row.r_status,
          balance: row.r_balance ?? null,
          budget: row.r_budget_remaining ?? null,
          charged: row.r_charged ?? null,
          account: row.r_account ? 'set' : null,
        });
      }
    }
    return answers;
  }

  /** What a world holds at the end, with its own ids replaced by roles. */
  async function state(w: World): Promise<unknown> {
    const users = [w.rich.id, w.poor.id];
    const role = (id: unknown) =>
      id === w.rich.id
        ? 'rich'
        : id === w.poor.id
          ? 'poor'
          : id === w.plainKey
            ? 'plain'
            : id === w.budgetKey
              ? 'budget'
              : id;
    const accounts = await db.query(
      `SELECT user_id, balance::text, held::text FROM credit_accounts WHERE user_id = ANY($1) ORDER BY balance`,
      [users],
    );
    const ledger = await db.query(
      `SELECT l.user_id, l.api_key_id, l.kind, l.amount::text, l.balance_after::text, l.actor_id, l.metadata,
              r.amount::text AS reserved
         FROM credit_ledger l LEFT JOIN credit_reservations r ON r.id = l.reservation_id
        WHERE l.user_id = ANY($1) AND l.kind <> 'grant' ORDER BY l.id`,
      [users],
    );
    const reservations = await db.query(
      `SELECT user_id, api_key_id, amount::text, status, charged::text, key_held FROM credit_reservations
        WHERE user_id = ANY($1)`,
      [users],
    );
    const spend = await db.query(
      `SELECT api_key_id, spent::text FROM credit_key_spend WHERE api_key_id = ANY($1) ORDER BY spent`,
      [[w.plainKey, w.budgetKey]],
    );
    const named = (rows: Array<Record<string, unknown>>) =>
      rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, k.endsWith('_id') && k !== 'actor_id' ? role(v) : v]),
        ),
      );
    return {
      accounts: named(accounts),
      ledger: named(ledger).map((l) => ({ ...l, actor_id: l.actor_id ? role(l.actor_id) : null })),
      // One transaction's rows share created_at: compare them as a set.
      reservations: named(reservations)
        .map((r) => JSON.stringify(r))
        .sort(),
      spend: named(spend),
    };
  }

  it('answers, balances, holds, entries, reservations and key spends are those of the ops one by one', async () => {
    const [batched, single] = [await world(), await world()];
    const batchedAnswers = await run(batched, true);
    const singleAnswers = await run(single, false);
    expect(batchedAnswers).toEqual(singleAnswers);
    // The scenario does what its comments say (so the comparison is not of two empty worlds).
    expect(batchedAnswers.map((a) => (a as { status: string }).status)).toEqual([
      ...['ok', 'ok', 'key_budget', 'ok', 'insufficient_balance', 'ok', 'ok', 'ok'],
      ...['ok', 'insufficient_balance'],
      ...['expired', 'settled', 'settled', 'settled', 'settled', 'ok', 'released', 'settled', 'settled'],
      ...['missing', 'ok', 'insufficient_balance', 'ok'],
      ...['settled', 'ok', 'settled', 'key_budget', 'ok', 'ok', 'ok'],
      ...['released', 'ok'],
      'ok',
    ]);
    // The charge run again answers as the first time, with the balance as it is now.
    expect(batchedAnswers[29]).toMatchObject({ status: 'ok', charged: '300', account: 'set' });
    const end = (await state(batched)) as {
      accounts: unknown[];
      ledger: Array<{
        kind: string;
        amount: string;
        metadata: Record<string, unknown>;
        reserved: string | null;
      }>;
      spend: unknown[];
    };
    expect(end).toEqual(await state(single));
    expect(end.accounts).toEqual([
      { user_id: 'poor', balance: String(5000 - 2000 - 1234 - 766), held: '0' },
      { user_id: 'rich', balance: String(1_000_000 - 700 - 1500 - 500 - 2500 - 300 - 50 - 25), held: '0' },
    ]);
    expect(
      end.ledger.filter((l) => l.kind === 'charge').map((l) => [l.amount, l.metadata.late ?? false]),
    ).toEqual([
      ['-300', false],
      ['-700', true],
      ['-1500', false],
      ['-500', false],
      ['-2000', false],
      ['-2500', false],
      ['-1234', false],
      ['-766', false],
      ['-50', false],
      ['-25', false],
    ]);
    // The plain key's charges (settled and late ones, and the charges without a hold); the budget
    // key's settled charges, which left nothing for its refused charge.
    expect(end.spend).toEqual([
      { api_key_id: 'plain', spent: String(1500 + 700 + 300 + 50 + 25) },
      { api_key_id: 'budget', spent: String(500 + 2500) },
    ]);
    // A charge without a hold is an entry with no reservation and no idempotency key.
    expect(end.ledger.filter((l) => l.reserved === null).map((l) => l.amount)).toEqual([
      '-300',
      '-766',
      '-50',
      '-25',
    ]);
    const verify = await request(gw.url)
      .get('/api/v1/credits/verify')
      .auth(adminToken, { type: 'bearer' })
      .expect(200);
    expect(verify.body).toMatchObject({ ok: true, mismatches: [] });
  });

  it('a batch with one bad op writes nothing of the others', async () => {
    const w = await world();
    const reserve = (amount: string) => ({
      op: 'reserve',
      tenant: w.tenant,
      user: w.rich.id,
      key: w.plainKey,
      request: unique('req'),
      amount,
      model: null,
      signup: '0',
      ttl: 600,
    });
    await expect(
      db.query('SELECT * FROM credits_apply($1::jsonb)', [JSON.stringify([reserve('100'), reserve('-1')])]),
    ).rejects.toThrow(/reservation amount must be >= 0/);
    const charge = { ...reserve('100'), op: 'charge', amount: '-1', metadata: {}, idem: 'call:bad' };
    await expect(
      db.query('SELECT * FROM credits_apply($1::jsonb)', [JSON.stringify([reserve('100'), charge])]),
    ).rejects.toThrow(/charge amount must be >= 0/);
    const [row] = await db.query(
      `SELECT a.held::text, (SELECT count(*)::int FROM credit_reservations r WHERE r.user_id = a.user_id) AS n
         FROM credit_accounts a WHERE a.user_id = $1`,
      [w.rich.id],
    );
    expect(row).toEqual({ held: '0', n: 0 });
  });
});
