import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { STATEMENT_NAMES, statementOf, unnamedRetry, type LedgerOp } from './ledger-batcher.js';
import { LedgerStatement } from './ledger-statement.js';

const charge = (over: Partial<Extract<LedgerOp, { op: 'charge' }>> = {}): LedgerOp => ({
  op: 'charge',
  tenant: 't-1',
  user: 'u-1',
  key: 'k-1',
  request: 'req_1',
  amount: '31',
  signup: '0',
  metadata: { model: 'simulator/sim-gpt' },
  idem: 'call:1',
  ...over,
});
const settle: LedgerOp = {
  op: 'settle',
  reservation: 'r-1',
  actual: '7',
  metadata: { a: 1 },
  outcome: 'settled',
};
const reserve: LedgerOp = {
  op: 'reserve',
  tenant: 't-1',
  user: 'u-1',
  key: null,
  request: 'req_2',
  amount: '71',
  model: null,
  signup: '0',
  ttl: 600,
};

describe('statementOf (what the ledger batcher sends)', () => {
  it('sends a lone charge to credits_charge with its fields as parameters, in the function order', () => {
    const [text, values] = statementOf([{ op: charge() }]);
    expect(text).toMatch(
      /FROM credits_charge\(\$1::uuid, \$2::uuid, \$3::uuid, \$4, \$5::bigint, \$6::bigint, \$7::jsonb, \$8\) s$/,
    );
    expect(text).toMatch(/0 AS r_index/);
    expect(values).toEqual([
      't-1',
      'u-1',
      'k-1',
      'req_1',
      '31',
      '0',
      '{"model":"simulator/sim-gpt"}',
      'call:1',
    ]);
  });

  it('passes a missing key and missing metadata as NULL, JSON null as JSON, and bigints as decimal strings', () => {
    expect(statementOf([{ op: charge({ key: null, metadata: undefined }) }])[1]).toEqual([
      't-1',
      'u-1',
      null,
      'req_1',
      '31',
      '0',
      null,
      'call:1',
    ]);
    expect(statementOf([{ op: charge({ metadata: null }) }])[1][6]).toBe('null');
    expect(statementOf([{ op: charge({ metadata: { n: 12345678901234567890n } }) }])[1][6]).toBe(
      '{"n":"12345678901234567890"}',
    );
  });

  it('sends a lone settlement to credits_settle', () => {
    const [text, values] = statementOf([{ op: settle }]);
    expect(text).toMatch(/FROM credits_settle\(\$1::uuid, \$2::bigint, \$3::jsonb, \$4\) s$/);
    expect(values).toEqual(['r-1', '7', '{"a":1}', 'settled']);
  });

  it('sends a lone reservation to credits_reserve, committing without the WAL flush whatever the setting', () => {
    const [lone, values] = statementOf([{ op: reserve }]);
    expect(lone).toMatch(
      /^SELECT s\.r_status::text, s\.r_reservation::uuid, s\.r_account::uuid, s\.r_balance::bigint, s\.r_budget_remaining::bigint, 0 AS r_index, NULL::bigint AS r_charged, set_config\('synchronous_commit', 'off', true\) AS r_no_flush FROM credits_reserve\(\$1::uuid, \$2::uuid, \$3::uuid, \$4, \$5::bigint, \$6, \$7::bigint, \$8::integer\) s$/,
    );
    expect(values).toEqual([
      reserve.tenant,
      reserve.user,
      reserve.key,
      reserve.request,
      reserve.amount,
      reserve.model,
      reserve.signup,
      reserve.ttl,
    ]);
    expect(statementOf([{ op: reserve }], false)).toEqual([lone, values]);
  });

  it('keeps every batch of two or more on credits_apply, as one jsonb array', () => {
    const [batch, batchValues] = statementOf([{ op: charge() }, { op: settle }]);
    expect(batch).toBe(
      'SELECT r_index::integer, r_status::text, r_reservation::uuid, r_account::uuid, r_balance::bigint, r_budget_remaining::bigint, r_charged::bigint FROM credits_apply($1::jsonb)',
    );
    expect(JSON.parse(batchValues[0] as string)).toEqual([charge(), settle]);
  });

  it("with CREDITS_SYNCHRONOUS_COMMIT=off, sets synchronous_commit off for the statement's own transaction, same values", () => {
    const ops = [[{ op: charge() }], [{ op: settle }], [{ op: charge() }, { op: reserve }]];
    for (const batch of ops) {
      const [flushed, values] = statementOf(batch);
      const [unflushed, same] = statementOf(batch, false);
      expect(same).toEqual(values);
      expect(flushed).not.toContain('synchronous_commit');
      expect(unflushed).toBe(
        flushed.replace(
          ' FROM credits_',
          ", set_config('synchronous_commit', 'off', true) AS r_no_flush FROM credits_",
        ),
      );
    }
    expect(statementOf([{ op: reserve }, { op: reserve }], false)[0]).toBe(
      "SELECT r_index::integer, r_status::text, r_reservation::uuid, r_account::uuid, r_balance::bigint, r_budget_remaining::bigint, r_charged::bigint, set_config('synchronous_commit', 'off', true) AS r_no_flush FROM credits_apply($1::jsonb)",
    );
  });

  it("names every text it sends with a name of its own that carries the text's hash (decision 0046)", () => {
    const batches = [
      [{ op: charge() }],
      [{ op: settle }],
      [{ op: reserve }],
      [{ op: charge() }, { op: settle }],
    ];
    const texts = new Set(batches.flatMap((b) => [statementOf(b)[0], statementOf(b, false)[0]]));
    // A charge, a settlement and a batch each with and without the flush; a reservation one way.
    expect(texts.size).toBe(7);
    for (const text of texts)
      expect(STATEMENT_NAMES.get(text)).toMatch(/^switchyard_ledger_[a-z_]+_[0-9a-f]{12}$/);
    expect(new Set([...texts].map((t) => STATEMENT_NAMES.get(t))).size).toBe(7);
    expect(STATEMENT_NAMES.get(statementOf([{ op: reserve }])[0])).toMatch(
      /^switchyard_ledger_reserve_[0-9a-f]{12}$/,
    );
    expect(STATEMENT_NAMES.get(statementOf([{ op: settle }], false)[0])).toMatch(
      /^switchyard_ledger_settle_no_flush_/,
    );
  });
});

describe('unnamedRetry (a named ledger statement Postgres refused before it ran)', () => {
  const pgError = (code: string, message = 'x', severity = 'ERROR') =>
    Object.assign(new Error(message), { code, severity });

  it('goes unnamed for good when the connection does not keep names (a transaction-mode pooler)', () => {
    expect(unnamedRetry(pgError('26000', 'prepared statement "s" does not exist'))).toBe('off');
    expect(unnamedRetry(pgError('42P05', 'prepared statement "s" already exists'))).toBe('off');
  });

  it('sends once unnamed a statement prepared before a migration changed the result columns', () => {
    expect(unnamedRetry(pgError('0A000', 'cached plan must not change result type'))).toBe('once');
    // A server whose lc_messages is not English: the routine that raised it says the same.
    const translated = Object.assign(pgError('0A000', 'gecachter Plan darf den Ergebnistyp nicht ändern'), {
      routine: 'RevalidateCachedQuery',
    });
    expect(unnamedRetry(translated)).toBe('once');
    expect(unnamedRetry(pgError('0A000', 'some other feature is not supported'))).toBeUndefined();
  });

  it('leaves every other failure as it was: statement errors, a session that ended, a lost socket', () => {
    expect(unnamedRetry(pgError('23505', 'duplicate key'))).toBeUndefined();
    expect(unnamedRetry(pgError('26000', 'prepared statement "s" does not exist', 'FATAL'))).toBeUndefined();
    expect(unnamedRetry(pgError('08P01', 'prepared statement "s" does not exist', 'FATAL'))).toBeUndefined();
    expect(unnamedRetry(new Error('Connection terminated unexpectedly'))).toBeUndefined();
    expect(unnamedRetry(undefined)).toBeUndefined();
  });
});

describe("pg-pool's contract for a Submittable (what the batcher awaits)", () => {
  it('comes back from pg-pool as a promise of its result, or of the error, and the connection goes back either way', async () => {
    // pg-pool's own code over a client that answers at once (no server): what the batcher awaits.
    let ended = 0;
    const answers: Array<(q: { text?: string }, cb: (err: Error | null, res?: unknown) => void) => void> = [
      (q, cb) => cb(null, { rows: [{ text: q.text }] }),
      (_q, cb) => cb(Object.assign(new Error('prepared statement does not exist'), { code: '26000' })),
    ];
    class OneShotClient extends EventEmitter {
      // What pg-pool reads to put a connection back (pg's Client sets it once connected).
      readonly _queryable = true;
      connect(cb: (err: Error | null) => void): void {
        cb(null);
      }
      query(q: { text?: string }, _values: unknown, cb: (err: Error | null, res?: unknown) => void): void {
        answers.shift()!(q, cb);
      }
      end(): void {
        ended++;
      }
    }
    const pool = new pg.Pool({
      Client: OneShotClient as unknown as typeof pg.Client,
      max: 1,
      idleTimeoutMillis: 0,
    });
    const query = (text: string) =>
      pool.query(new LedgerStatement('n', text, [1]) as never) as unknown as Promise<unknown>;
    await expect(query('SELECT $1::int')).resolves.toEqual({ rows: [{ text: 'SELECT $1::int' }] });
    expect({ idle: pool.idleCount, total: pool.totalCount }).toEqual({ idle: 1, total: 1 });
    await expect(query('SELECT $1::int')).rejects.toMatchObject({ code: '26000' });
    // A connection that failed a statement is dropped, as pg-pool does with any error.
    expect({ idle: pool.idleCount, total: pool.totalCount, ended }).toEqual({ idle: 0, total: 0, ended: 1 });
    await pool.end();
  });
});
