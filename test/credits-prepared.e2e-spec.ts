import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatCredits } from '@switchyard/core';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { expectLedgerVerified, spyLedger } from './support/ledger.js';
import { fundMember, memberBalance, startMeteredGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey } from './support/session.js';

/**
 * Decision 0046: on a Postgres server the hot path's ledger statements are named prepared
 * statements (DATABASE_PREPARED_STATEMENTS, on by default), parsed once per connection. A
 * connection that does not keep them (what a transaction-mode pooler without prepared-statement
 * support does) turns them off for good, and the call that found out is still served and charged
 * once. sim-gpt is priced at 1 credit per output token (and one micro-credit of input per call).
 */
const cost = (tokens: number): bigint => BigInt(tokens) * 1_000_000n + 1n;
const KIND = /^switchyard_ledger_(apply|charge|settle|reserve)_[0-9a-f]{12}$/;

/** The names pg has parsed on a pooled connection (pg's own per-connection record). */
const parsedOn = (c: PoolClient): string[] =>
  Object.keys(
    (c as unknown as { connection: { parsedStatements: Record<string, string> } }).connection
      .parsedStatements,
  );

/**
 * What a transaction-mode pooler without prepared-statement support does to a client's named
 * statements, on every connection of the pool (it has at most `size`), for every ledger name any
 * of them has parsed: where pg has parsed it, the server connection no longer has it (Bind fails,
 * 26000); where pg has not, another client has prepared the name there (Parse fails, 42P05). So
 * whichever connection and statement the next ledger op takes, its named statement fails.
 */
async function loseStatements(pool: Pool, size: number): Promise<void> {
  const clients: PoolClient[] = [];
  try {
    for (let i = 0; i < size; i++) clients.push(await pool.connect());
    const names = new Set(clients.flatMap(parsedOn).filter((n) => KIND.test(n)));
    expect(names.size).toBe(3);
    for (const c of clients) {
      const parsed = new Set(parsedOn(c));
      for (const name of names)
        await c.query(parsed.has(name) ? `DEALLOCATE ${name}` : `PREPARE ${name} AS SELECT 1`);
    }
  } finally {
    for (const c of clients) c.release();
  }
}

describe('ledger statements as named prepared statements (real Postgres, real simulator, OpenAI SDK)', () => {
  let t: LlmGateway;
  let pool: Pool;
  const messages = [{ role: 'user' as const, content: 'alpha beta gamma delta' }];

  beforeAll(async () => {
    // Two connections: one ledger lane, and every connection reachable to act the pooler on.
    t = await startMeteredGateway({ env: { DATABASE_POOL_SIZE: '2' } });
    pool = (t.gw.app.get(DataSource).driver as unknown as { master: Pool }).master;
    await fundMember(t, '100');
  });
  afterAll(async () => {
    await t?.close();
  });

  const charges = async (): Promise<string[]> =>
    (
      await t.gw.app
        .get(DataSource)
        .query<Array<{ amount: string }>>(
          `SELECT amount::text FROM credit_ledger WHERE user_id = $1 AND kind = 'charge' ORDER BY id`,
          [t.member.id],
        )
    ).map((c) => c.amount);

  it('names each ledger statement, one name per text, and charges as unnamed ones do', async () => {
    const client = t.clientWith((await createApiKey(t.gw.url, t.member.token)).key);
    const ledger = spyLedger(pool);
    try {
      // The first call holds (nothing seen of the balance yet), the second is charged without a hold.
      for (const tokens of [2, 3]) {
        const data = await client.chat.completions.create({ model: 'sim-gpt', max_tokens: tokens, messages });
        expect((data.usage as unknown as { cost: string }).cost).toBe(formatCredits(cost(tokens)));
      }
      const stream = await client.chat.completions.create({
        model: 'sim-gpt',
        max_tokens: 4,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      let reported: string | undefined;
      for await (const chunk of stream)
        reported ??= (chunk.usage as unknown as { cost?: string } | null | undefined)?.cost;
      expect(reported).toBe(formatCredits(cost(4)));
    } finally {
      ledger.restore();
    }

    expect(await charges()).toEqual([`-${cost(2)}`, `-${cost(3)}`, `-${cost(4)}`]);
    expect(ledger.sent.length).toBeGreaterThanOrEqual(4);
    const names = new Map<string, string>();
    for (const { name, text } of ledger.sent) {
      expect(name).toMatch(KIND);
      expect(names.get(name!) ?? text).toBe(text);
      names.set(name!, text);
    }
    // A name each for the reservation, the lone charge and the settlement.
    expect(new Set([...names.keys()].map((n) => KIND.exec(n)![1]))).toEqual(
      new Set(['reserve', 'charge', 'settle']),
    );
  });

  it('goes unnamed for good when a connection has lost its statements, and the call that found out is charged once', async () => {
    // The first test prepared the statements on at least one of the two connections.
    await loseStatements(pool, 2);
    const before = (await charges()).length;
    const client = t.clientWith((await createApiKey(t.gw.url, t.member.token)).key);
    const ledger = spyLedger(pool);
    try {
      for (const tokens of [5, 6]) {
        const data = await client.chat.completions.create({ model: 'sim-gpt', max_tokens: tokens, messages });
        expect((data.usage as unknown as { cost: string }).cost).toBe(formatCredits(cost(tokens)));
      }
    } finally {
      ledger.restore();
    }

    expect((await charges()).slice(before)).toEqual([`-${cost(5)}`, `-${cost(6)}`]);
    // The first statement went named and failed before it ran (Bind or Parse); it and everything
    // after it went unnamed.
    expect(ledger.sent[0]!.name).toMatch(KIND);
    expect(ledger.sent.slice(1).length).toBeGreaterThanOrEqual(2);
    for (const s of ledger.sent.slice(1)) expect(s.name).toBeUndefined();
    const spent = cost(2) + cost(3) + cost(4) + cost(5) + cost(6);
    expect(await memberBalance(t)).toEqual(
      expect.objectContaining({ balance: formatCredits(100_000_000n - spent), reserved: '0' }),
    );
    await expectLedgerVerified(t.gw.url, t.adminToken);
  });
});

describe('a named ledger statement after a migration changed its function (real Postgres)', () => {
  let t: LlmGateway;
  let db: DataSource;
  const messages = [{ role: 'user' as const, content: 'alpha beta gamma delta' }];

  beforeAll(async () => {
    // One connection: the statement prepared before the change is the one the next call binds.
    t = await startMeteredGateway({ env: { DATABASE_POOL_SIZE: '1' } });
    db = t.gw.app.get(DataSource);
    await fundMember(t, '100');
  });
  afterAll(async () => {
    await t?.close();
  });

  const SIGNATURE = 'uuid, uuid, uuid, text, bigint, bigint, jsonb, text';
  const call = async (tokens: number): Promise<void> => {
    const client = t.clientWith((await createApiKey(t.gw.url, t.member.token)).key);
    const data = await client.chat.completions.create({ model: 'sim-gpt', max_tokens: tokens, messages });
    expect((data.usage as unknown as { cost: string }).cost).toBe(formatCredits(cost(tokens)));
  };
  /** The named or unnamed lone charges `calls` sent. */
  const chargesSent = async (calls: () => Promise<void>): Promise<string[]> => {
    const ledger = spyLedger((db.driver as unknown as { master: Pool }).master);
    try {
      await calls();
    } finally {
      ledger.restore();
    }
    return ledger.sent
      .filter((s) => / FROM credits_charge\(/.test(s.text))
      .map((s) => (s.name === undefined ? 'unnamed' : 'named'));
  };
  const entries = async (): Promise<string[]> =>
    (
      await db.query<Array<{ amount: string }>>(
        `SELECT amount::text FROM credit_ledger WHERE user_id = $1 AND kind = 'charge' ORDER BY id`,
        [t.member.id],
      )
    ).map((c) => c.amount);

  it('keeps naming the statement when a migration adds a result column: it reads the columns it names', async () => {
    // A hold, then a charge without one: the lone charge's statement is prepared on the connection.
    await call(2);
    await call(3);
    // What a migration of another version does: credits_charge with one more result column.
    const def = (
      await db.query<Array<{ def: string }>>(`SELECT pg_get_functiondef('credits_charge'::regproc) AS def`)
    )[0]!.def;
    const changed = def
      .replace('RETURNS TABLE(', 'RETURNS TABLE(r_extra integer, ')
      .replaceAll('RETURN QUERY SELECT ', 'RETURN QUERY SELECT 0, ');
    expect(changed).not.toBe(def);
    await db.query(`DROP FUNCTION credits_charge(${SIGNATURE})`);
    await db.query(changed);

    // The statement names its columns, so its result is what it was: nothing fails, nothing goes
    // again, and the connection's description of it still holds.
    expect(await chargesSent(() => call(5).then(() => call(6)))).toEqual(['named', 'named']);
    expect(await entries()).toEqual([`-${cost(2)}`, `-${cost(3)}`, `-${cost(5)}`, `-${cost(6)}`]);
    await expectLedgerVerified(t.gw.url, t.adminToken);
  });

  it("keeps naming the statement when a migration changes a column's type: it reads the type it casts to", async () => {
    // What another version's migration could do: credits_charge answering the balance as numeric
    // (the ledger itself unchanged: the new function wraps the old one).
    await db.query(`ALTER FUNCTION credits_charge(${SIGNATURE}) RENAME TO credits_charge_before`);
    await db.query(`
      CREATE FUNCTION credits_charge(p_tenant uuid, p_user uuid, p_key uuid, p_request text, p_amount bigint,
        p_signup bigint, p_metadata jsonb, p_idempotency text)
      RETURNS TABLE (r_extra integer, r_status text, r_account uuid, r_balance numeric, r_budget_remaining bigint,
        r_charged bigint)
      LANGUAGE sql AS $$
        SELECT c.r_extra, c.r_status, c.r_account, c.r_balance::numeric, c.r_budget_remaining, c.r_charged
        FROM credits_charge_before(p_tenant, p_user, p_key, p_request, p_amount, p_signup, p_metadata, p_idempotency) c
      $$`);

    // The statement casts each column it reads, so its result is what it was: nothing is refused
    // ("cached plan must not change result type" would be, for a text of `s.*`), nothing goes again.
    expect(await chargesSent(() => call(4).then(() => call(3)))).toEqual(['named', 'named']);
    expect((await entries()).slice(-2)).toEqual([`-${cost(4)}`, `-${cost(3)}`]);
    await expectLedgerVerified(t.gw.url, t.adminToken);
  });
});
