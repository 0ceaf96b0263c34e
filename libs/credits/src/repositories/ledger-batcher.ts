import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig, NOOP_TELEMETRY, Telemetry } from '@switchyard/core';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { LedgerStatement } from './ledger-statement.js';
import { toJson } from './sql-errors.js';

/** One money move of the hot path, as credits_apply takes it. */
export type LedgerOp =
  | {
      op: 'reserve';
      tenant: string;
      user: string;
      key: string | null;
      request: string;
      amount: string;
      model: string | null;
      signup: string;
      ttl: number;
    }
  | { op: 'settle'; reservation: string; actual: string; metadata: unknown; outcome: string }
  | {
      op: 'charge';
      tenant: string;
      user: string;
      key: string | null;
      request: string;
      amount: string;
      signup: string;
      metadata: unknown;
      /** The ledger entry's idempotency key: a charge run again after it committed is not taken twice. */
      idem: string;
    };

/** A row of a ledger statement (credits_apply's columns): the reserve, settle or charge columns, the others null. */
export interface LedgerOpRow {
  r_index: number;
  r_status: string;
  r_reservation: string | null;
  r_account: string | null;
  r_balance: string | null;
  r_budget_remaining: string | null;
  r_charged: string | null;
}

interface Pending {
  user: string;
  op: LedgerOp;
  resolve: (row: LedgerOpRow) => void;
  reject: (err: unknown) => void;
}

/** Most ops in one statement: bounds a batch's lock time and its statement size. */
const MAX_BATCH = 128;
/**
 * Each statement names the columns it reads, with their types (credits_apply's seven, the
 * function's own first), instead of `s.*`, so that its text alone fixes its result: a named
 * statement is described once per connection and its rows are read by that description
 * (decision 0047), which must hold on any server connection a pooler prepares the statement on.
 * A migration that adds a column to a ledger function, or changes a column's type to one that
 * casts, leaves these statements' columns as they were.
 */
const APPLY =
  'SELECT r_index::integer, r_status::text, r_reservation::uuid, r_account::uuid, r_balance::bigint,' +
  ' r_budget_remaining::bigint, r_charged::bigint FROM credits_apply($1::jsonb)';
// A batch of one charge or one settlement calls the row-at-a-time function itself, with the op's
// fields as parameters, instead of credits_apply taking apart a one-element jsonb array to call
// it: ~0.07 ms less execution per lone charge, which a c1 answer waits for. One difference:
// credits_apply is declared `SET enable_seqscan = off` (decision 0026, for `= ANY(array)` against
// young statistics); these functions reach every row by one primary or unique key, and run with
// the server's setting. A lone reservation calls credits_reserve the same way (0.05 ms less back to
// back, 0.1 ms less after a pause, measured from a standalone client), and, as credits_apply does
// for a batch of reservations alone, commits without waiting for the WAL flush (decision 0008):
// `set_config` in its target list, whatever CREDITS_SYNCHRONOUS_COMMIT says.
const CHARGE =
  'SELECT s.r_status::text, s.r_account::uuid, s.r_balance::bigint, s.r_budget_remaining::bigint,' +
  ' s.r_charged::bigint, 0 AS r_index, NULL::uuid AS r_reservation FROM credits_charge(' +
  '$1::uuid, $2::uuid, $3::uuid, $4, $5::bigint, $6::bigint, $7::jsonb, $8) s';
const SETTLE =
  'SELECT s.r_status::text, s.r_charged::bigint, 0 AS r_index, NULL::uuid AS r_reservation, NULL::uuid AS r_account,' +
  ' NULL::bigint AS r_balance, NULL::bigint AS r_budget_remaining' +
  ' FROM credits_settle($1::uuid, $2::bigint, $3::jsonb, $4) s';
const RESERVE =
  'SELECT s.r_status::text, s.r_reservation::uuid, s.r_account::uuid, s.r_balance::bigint,' +
  ' s.r_budget_remaining::bigint, 0 AS r_index,' +
  " NULL::bigint AS r_charged, set_config('synchronous_commit', 'off', true) AS r_no_flush" +
  ' FROM credits_reserve($1::uuid, $2::uuid, $3::uuid, $4, $5::bigint, $6, $7::bigint, $8::integer) s';
/**
 * CREDITS_SYNCHRONOUS_COMMIT=off (decision 0036): the same statements, with `synchronous_commit`
 * set to off for their own transaction (`is_local`), so its commit does not wait for the WAL
 * flush. Set in the target list, it costs no round trip; it only matters at the commit, after
 * the statement. The extra column is not read.
 */
const NO_FLUSH = ", set_config('synchronous_commit', 'off', true) AS r_no_flush FROM ";
const unflushed = (statement: string): string => statement.replace(/ FROM (credits_\w+\()/, `${NO_FLUSH}$1`);
const FLUSHED_TEXTS = { apply: APPLY, charge: CHARGE, settle: SETTLE };
const UNFLUSHED_TEXTS = { apply: unflushed(APPLY), charge: unflushed(CHARGE), settle: unflushed(SETTLE) };
/**
 * The name of each statement text as a named prepared statement (DATABASE_PREPARED_STATEMENTS,
 * decision 0046): pg parses it once per connection, and each call then only binds and executes
 * it. One name per text (pg refuses a name reused for another text), and the text's hash in the
 * name, so that another version of the gateway whose text differs never runs under the same name
 * on a server connection a pooler shares between them.
 */
const statementName = (kind: string, text: string): string =>
  `switchyard_ledger_${kind}_${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
export const STATEMENT_NAMES: ReadonlyMap<string, string> = new Map<string, string>([
  ...Object.entries(FLUSHED_TEXTS).map(([k, text]) => [text, statementName(k, text)] as const),
  ...Object.entries(UNFLUSHED_TEXTS).map(
    ([k, text]) => [text, statementName(`${k}_no_flush`, text)] as const,
  ),
  [RESERVE, statementName('reserve', RESERVE)],
]);

/**
 * Group commit for the hot path's reservations and settlements. Each lane sends its op at once
 * when it is idle (so a lone call pays exactly one round trip) and otherwise queues it; when the
 * lane's statement returns, everything queued meanwhile goes as the next statement. Under load
 * one round trip, one transaction and one WAL flush serve every call in flight, instead of one
 * each. A user's ops always take the same lane, so two lanes never wait on each other's row
 * locks; within a batch ops are sorted by user. If Postgres refuses a batch, nothing of it
 * committed, and its ops are retried one by one so one bad op fails alone; if the connection
 * fails, the outcome is unknown and every op of the batch fails (the sweeper releases any
 * reservation that did commit).
 */
@Injectable()
export class LedgerBatcher {
  private readonly lanes: Lane[];

  constructor(config: AppConfig, db: DataSource, @Optional() telemetry?: Telemetry) {
    const flush = config.credits.synchronousCommit;
    // PGlite is one session: one lane. On a server, a few lanes use the pool's connections
    // in parallel while leaving most of them to everything else.
    const count = config.embeddedDatabase
      ? 1
      : Math.max(1, Math.min(4, Math.floor(config.database.poolSize / 2)));
    // PGlite is one session that outlives its pg clients: a name prepared by one would clash
    // with the next client's. A server's connections each keep their own.
    const statements: StatementMode = {
      named: !config.embeddedDatabase && config.database.preparedStatements,
    };
    const pool = (db.driver as unknown as { master: Pool }).master;
    this.lanes = Array.from(
      { length: count },
      () => new Lane(pool, telemetry ?? NOOP_TELEMETRY, flush, statements),
    );
  }

  /** Runs one op in the lane of `user`; resolves with its row once its statement committed. */
  apply(user: string, op: LedgerOp): Promise<LedgerOpRow> {
    const lane = this.lanes.length === 1 ? this.lanes[0]! : this.lanes[laneOf(user, this.lanes.length)]!;
    return lane.push(user, op);
  }
}

/** JSON of an op or its metadata; bigints as decimal strings, paying the replacer only then. */
function serialize(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return toJson(value);
  }
}

/**
 * The statement and values of a batch: a lone charge, settlement or reservation on its own
 * function, the rest on credits_apply. `flush` false: the statement's transaction does not wait
 * for the WAL flush (a lone reservation's never does).
 */
export function statementOf(batch: readonly { readonly op: LedgerOp }[], flush = true): [string, unknown[]] {
  const texts = flush ? FLUSHED_TEXTS : UNFLUSHED_TEXTS;
  if (batch.length === 1) {
    const op = batch[0]!.op;
    if (op.op === 'charge') {
      const metadata = op.metadata === undefined ? null : serialize(op.metadata);
      return [
        texts.charge,
        [op.tenant, op.user, op.key, op.request, op.amount, op.signup, metadata, op.idem],
      ];
    }
    if (op.op === 'settle') {
      const metadata = op.metadata === undefined ? null : serialize(op.metadata);
      return [texts.settle, [op.reservation, op.actual, metadata, op.outcome]];
    }
    if (op.op === 'reserve') {
      return [RESERVE, [op.tenant, op.user, op.key, op.request, op.amount, op.model, op.signup, op.ttl]];
    }
    return [texts.apply, [`[${serialize(op)}]`]];
  }
  return [texts.apply, [`[${batch.map((p) => serialize(p.op)).join(',')}]`]];
}

/**
 * The SQLSTATE of an error with which Postgres refused the statement, so that nothing of it
 * committed (pg's DatabaseError has a severity; socket errors do not). An error that ends the
 * session (FATAL or PANIC, a connection or operator-intervention class: a standby that never
 * confirmed the commit, a pooler that lost its server) may come after the commit: undefined, as
 * for a socket error.
 */
function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; severity?: unknown } | null;
  if (typeof e?.code !== 'string' || typeof e.severity !== 'string') return undefined;
  if (e.severity === 'FATAL' || e.severity === 'PANIC') return undefined;
  if (e.code.startsWith('08') || e.code.startsWith('57P')) return undefined;
  return e.code;
}

/** Whether the lanes name their statements; shared, so that one lane's fallback holds for all. */
interface StatementMode {
  named: boolean;
}

/**
 * What a named statement's failure means for sending it again unnamed, when Postgres refused it
 * before anything of it ran (an ERROR, so its implicit transaction rolled back):
 * - `off`: the connection does not keep named statements, as a transaction-mode pooler without
 *   prepared-statement support answers: the server connection lacks it (26000, Bind failed) or
 *   another client prepared the name there (42P05, Parse failed). Unnamed from then on.
 * - `once`: the statement was prepared before a migration changed a function's result columns
 *   (0A000, "cached plan must not change result type"; the function did not run). pg-pool drops
 *   that connection; the next one prepares the statement afresh.
 * - undefined: any other failure, handled as before.
 */
export function unnamedRetry(err: unknown): 'off' | 'once' | undefined {
  const state = sqlState(err);
  if (state === '26000' || state === '42P05') return 'off';
  if (state !== '0A000') return undefined;
  // Postgres translates the message (lc_messages); the routine that raises it is not translated.
  const { routine, message } = err as { routine?: unknown; message?: unknown };
  if (routine === 'RevalidateCachedQuery' || /cached plan must not change result type/.test(String(message)))
    return 'once';
  return undefined;
}

const log = new Logger('LedgerBatcher');

function laneOf(user: string, lanes: number): number {
  let h = 0;
  for (let i = 0; i < user.length; i++) h = (h * 31 + user.charCodeAt(i)) | 0;
  return (h >>> 0) % lanes;
}

class Lane {
  private queue: Pending[] = [];
  private busy = false;

  constructor(
    private readonly pool: Pool,
    private readonly telemetry: Telemetry,
    private readonly flush: boolean,
    private readonly statements: StatementMode,
  ) {}

  push(user: string, op: LedgerOp): Promise<LedgerOpRow> {
    return new Promise((resolve, reject) => {
      this.queue.push({ user, op, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.length <= MAX_BATCH ? this.queue : this.queue.slice(0, MAX_BATCH);
        this.queue = this.queue.length <= MAX_BATCH ? [] : this.queue.slice(MAX_BATCH);
        await this.run(batch);
      }
    } finally {
      this.busy = false;
    }
  }

  private async run(queued: Pending[]): Promise<void> {
    // One order for every instance (by user, arrival order kept per user), so two instances'
    // batches take the same users' rows in the same order.
    const batch =
      queued.length > 1
        ? [...queued].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0))
        : queued;
    let rows: LedgerOpRow[];
    const started = performance.now();
    try {
      rows = await this.send(batch);
      this.telemetry.ledgerBatch(batch.length, performance.now() - started);
    } catch (err) {
      this.telemetry.ledgerBatch(batch.length, performance.now() - started);
      // Without an SQLSTATE the connection failed: the batch may have committed before the
      // answer was lost, so running its ops again could reserve twice. Fail them all.
      if (batch.length === 1 || !sqlState(err)) {
        for (const op of batch) op.reject(err);
        return;
      }
      // Postgres refused the statement, so nothing of it committed: find the op that failed
      // (or, after a deadlock, simply get through) by running each alone.
      for (const op of batch) await this.run([op]);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const row = rows[i];
      if (row && row.r_index === i) batch[i]!.resolve(row);
      else batch[i]!.reject(new Error(`the ledger statement returned no row for op ${i}`));
    }
  }

  private async send(batch: Pending[]): Promise<LedgerOpRow[]> {
    const [text, values] = statementOf(batch, this.flush);
    if (this.statements.named) {
      try {
        // pg-pool answers a Submittable with a promise of what it hands pg-pool's callback (its
        // typings say the Submittable comes back, which is what pg's Client.query does without a pool).
        const statement = new LedgerStatement<LedgerOpRow>(STATEMENT_NAMES.get(text)!, text, values);
        const result = await (this.pool.query(statement as never) as unknown as Promise<{
          rows: LedgerOpRow[];
        }>);
        if (!Array.isArray(result?.rows))
          throw new Error('pg-pool did not answer a named ledger statement with its result');
        return result.rows;
      } catch (err) {
        const retry = unnamedRetry(err);
        if (!retry) throw err;
        // Nothing of it ran: send it unnamed (and, for a connection that cannot keep names,
        // every statement after it).
        if (retry === 'off' && this.statements.named) {
          log.warn(
            'The database connection does not keep named prepared statements (a transaction-mode pooler?): ' +
              'the ledger statements go unnamed from now on. Set DATABASE_PREPARED_STATEMENTS=false to start that way.',
          );
          this.statements.named = false;
        }
      }
    }
    return (await this.pool.query<LedgerOpRow>(text, values)).rows;
  }
}
