import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { LedgerStatement, unnamedRetry } from '@switchyard/credits';
import { createTestDatabase } from './support/databases.js';

/**
 * The ledger's named statements as their own pg Submittable (ledger-statement.ts), on a real
 * Postgres: parsed once and described once per connection, rows as pg's own Query gives them,
 * and every failure answered once with the connection still in step with the server.
 */
describe('LedgerStatement (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;

  /** How many times each statement answered (it must be once). */
  const answers = new Map<object, number>();
  /** Runs a statement on `on` (a Client, or a Pool as the batcher does) and resolves with its rows. */
  const run = <Row extends object>(
    on: pg.Client | pg.Pool,
    statement: LedgerStatement<Row>,
  ): Promise<Row[]> =>
    on instanceof pg.Pool
      ? (on.query(statement as never) as unknown as Promise<{ rows: Row[] }>).then((r) => r.rows)
      : new Promise((resolve, reject) => {
          statement.callback = (err, result) => {
            answers.set(statement, (answers.get(statement) ?? 0) + 1);
            if (err) reject(err);
            else resolve(result!.rows);
          };
          on.query(statement as never);
        });
  /** How often `statement` answered, once the server's messages for it have all been handled. */
  const answeredTimes = async (on: pg.Client, statement: object): Promise<number> => {
    await on.query('SELECT 1');
    return answers.get(statement) ?? 0;
  };
  /** Counts the Describe messages pg's connection sends (its real method, observed). */
  const describesOn = (c: pg.Client): { count: number } => {
    const connection = (c as unknown as { connection: { describe: (...a: unknown[]) => unknown } })
      .connection;
    const seen = { count: 0 };
    const send = connection.describe.bind(connection);
    connection.describe = (...a: unknown[]) => {
      seen.count++;
      return send(...a);
    };
    return seen;
  };
  const parsedOn = (c: pg.Client): Record<string, string> =>
    (c as unknown as { connection: { parsedStatements: Record<string, string> } }).connection
      .parsedStatements;

  let describes: { count: number };

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    describes = describesOn(client);
    await client.query(`
      CREATE TABLE spend (id uuid PRIMARY KEY, amount bigint NOT NULL);
      CREATE FUNCTION take(p_id uuid, p_amount bigint)
        RETURNS TABLE (r_status text, r_account uuid, r_balance bigint, r_flag boolean, r_meta jsonb)
        LANGUAGE plpgsql AS $$
      BEGIN
        IF p_amount < 0 THEN RAISE EXCEPTION 'negative amount' USING ERRCODE = '22023'; END IF;
        INSERT INTO spend VALUES (p_id, p_amount);
        RETURN QUERY SELECT 'ok'::text, p_id, p_amount * 2, p_amount > 5, jsonb_build_object('n', p_amount);
      END $$;`);
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const TEXT = 'SELECT s.*, 0 AS r_index, NULL::uuid AS r_reservation FROM take($1::uuid, $2::bigint) s';
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  it("parses and describes once per connection, and answers rows as pg's own Query does", async () => {
    const first = new LedgerStatement('ledger_take', TEXT, [id(1), 7]);
    const rows = await run(client, first);
    expect(first.describes).toBe(true);
    expect(describes.count).toBe(1);
    expect(parsedOn(client)).toMatchObject({ ledger_take: TEXT });
    expect(rows).toEqual([
      {
        r_status: 'ok',
        r_account: id(1),
        r_balance: '14',
        r_flag: true,
        r_meta: { n: 7 },
        r_index: 0,
        r_reservation: null,
      },
    ]);
    // The same columns, types and values as pg's own Query gives for the same statement.
    const viaPg = await client.query(TEXT, [id(2), 3]);
    const second = new LedgerStatement('ledger_take', TEXT, [id(3), 3]);
    const again = await run(client, second);
    // No Describe this time: the connection knows the statement's columns (pg's own Query above
    // sent one).
    expect(second.describes).toBe(false);
    expect(describes.count).toBe(2);
    expect(again).toEqual(viaPg.rows.map((r) => ({ ...r, r_account: id(3) })));
    expect(Object.keys(again[0]!)).toEqual(viaPg.fields.map((f) => f.name));
  });

  it('describes again on another connection, and goes through pg-pool as the batcher sends it', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const a = new LedgerStatement('ledger_take', TEXT, [id(10), 1]);
      const b = new LedgerStatement('ledger_take', TEXT, [id(11), 2]);
      expect((await run(pool, a))[0]).toMatchObject({ r_balance: '2', r_flag: false, r_index: 0 });
      expect((await run(pool, b))[0]).toMatchObject({ r_balance: '4', r_account: id(11) });
      expect([a.describes, b.describes]).toEqual([true, false]);
      expect({ idle: pool.idleCount, total: pool.totalCount }).toEqual({ idle: 1, total: 1 });
    } finally {
      await pool.end();
    }
  });

  it('answers every row of a statement that returns several', async () => {
    const text = 'SELECT g AS r_index, (g * 10)::bigint AS r_charged FROM generate_series(0, $1::int - 1) g';
    const rows = await run(client, new LedgerStatement('ledger_many', text, [3]));
    expect(rows).toEqual([
      { r_index: 0, r_charged: '0' },
      { r_index: 1, r_charged: '10' },
      { r_index: 2, r_charged: '20' },
    ]);
    expect(await run(client, new LedgerStatement('ledger_many', text, [0]))).toEqual([]);
  });

  it("rejects with the server's error, writes nothing, and the connection serves the next statement", async () => {
    const failing = new LedgerStatement('ledger_take', TEXT, [id(20), -1]);
    await expect(run(client, failing)).rejects.toMatchObject({ code: '22023', message: 'negative amount' });
    expect(await answeredTimes(client, failing)).toBe(1);
    expect((await client.query('SELECT count(*)::int AS n FROM spend WHERE id = $1', [id(20)])).rows).toEqual(
      [{ n: 0 }],
    );
    expect((await run(client, new LedgerStatement('ledger_take', TEXT, [id(21), 1])))[0]).toMatchObject({
      r_account: id(21),
    });
  });

  it('refuses a value it cannot send, sends nothing of it, and leaves the statement parsed', async () => {
    const bad = {
      toJSON(): string {
        throw new Error('no text for this value');
      },
    };
    const text = 'SELECT $1::text AS r_status';
    await expect(run(client, new LedgerStatement('ledger_bad', text, [bad]))).rejects.toThrow(
      'no text for this value',
    );
    expect(parsedOn(client)).toMatchObject({ ledger_bad: text });
    expect(await run(client, new LedgerStatement('ledger_bad', text, ['fine']))).toEqual([
      { r_status: 'fine' },
    ]);
  });

  it('refuses a name already prepared for another text, and the connection goes on', async () => {
    await expect(run(client, new LedgerStatement('ledger_take', 'SELECT 1', []))).rejects.toThrow(
      "Prepared statements must be unique - 'ledger_take' was used for a different statement",
    );
    expect((await run(client, new LedgerStatement('ledger_take', TEXT, [id(30), 1])))[0]).toMatchObject({
      r_account: id(30),
    });
  });

  it('never reads rows by a stale description: a changed result type is refused (0A000), not misread', async () => {
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      const text = 'SELECT s.* FROM shape_probe($1::int) s';
      await other.query(
        'CREATE FUNCTION shape_probe(n int) RETURNS TABLE (a int, b text) LANGUAGE sql AS $$ SELECT n, n::text $$',
      );
      expect(await run(other, new LedgerStatement('ledger_shape', text, [1]))).toEqual([{ a: 1, b: '1' }]);
      await other.query('DROP FUNCTION shape_probe(int)');
      await other.query(
        'CREATE FUNCTION shape_probe(n int) RETURNS TABLE (b text, a int, c int) LANGUAGE sql AS $$ SELECT n::text, n, n $$',
      );
      const stale = new LedgerStatement('ledger_shape', text, [2]);
      const err = await run(other, stale).catch((e: unknown) => e);
      expect(stale.describes).toBe(false);
      // What the batcher retries on a fresh connection, which describes the statement again.
      expect(unnamedRetry(err)).toBe('once');
    } finally {
      await other.end();
    }
  });

  it('refuses rows that do not match the columns it knows, once, and the connection goes on', async () => {
    // What a server connection could hold under the name if it were prepared afresh for another
    // text (the ledger's texts fix their columns so that this cannot happen to them).
    const text = 'SELECT $1::int AS a, 2 AS b';
    expect(await run(client, new LedgerStatement('ledger_drift', text, [1]))).toEqual([{ a: 1, b: 2 }]);
    await client.query('DEALLOCATE ledger_drift');
    await client.query('PREPARE ledger_drift(int) AS SELECT $1, 2, 3');
    const drifted = new LedgerStatement('ledger_drift', text, [1]);
    await expect(run(client, drifted)).rejects.toThrow(
      'The ledger statement ledger_drift answered a row that does not match its columns',
    );
    expect(await answeredTimes(client, drifted)).toBe(1);
  });

  it('answers once when the server ends the session mid-statement', async () => {
    const doomed = new pg.Client({ connectionString: db.url });
    await doomed.connect();
    doomed.on('error', () => undefined);
    const pid = (await doomed.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const statement = new LedgerStatement('ledger_sleep', 'SELECT pg_sleep($1::int) AS r_status', [30]);
    const pending = run(doomed, statement);
    // Wait until the statement runs, then end its session.
    for (let i = 0; i < 100; i++) {
      const active = await client.query(
        "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE 'SELECT pg_sleep%'",
        [pid],
      );
      if (active.rowCount) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await client.query('SELECT pg_terminate_backend($1)', [pid]);
    await expect(pending).rejects.toMatchObject({ code: '57P01' });
    await new Promise((r) => setTimeout(r, 50));
    expect(answers.get(statement)).toBe(1);
    await doomed.end().catch(() => undefined);
  });
});
