import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LedgerKind } from '../entities/credit-ledger-entry.entity.js';
import type { ReservationStatus } from '../entities/credit-reservation.entity.js';
import { LedgerBatcher, type LedgerOpRow } from './ledger-batcher.js';
import { KEY_BUDGET_SQLSTATE, pgErrorOf, toJson } from './sql-errors.js';

export type ReserveOutcome =
  | {
      status: 'ok';
      reservationId: string;
      accountId: string;
      balance: bigint;
      budgetRemaining: bigint | null;
    }
  | { status: 'insufficient_balance'; accountId: string; balance: bigint }
  | { status: 'key_budget'; budgetRemaining: bigint };

export interface ReserveArgs {
  tenantId: string;
  userId: string;
  apiKeyId: string | null;
  requestId: string;
  amount: bigint;
  model: string | null;
  signupCredits: bigint;
  ttlSeconds: number;
}

type ReserveStatus = 'ok' | 'insufficient_balance' | 'key_budget';

/** A call charged without a hold (credits_charge): what the account can still spend after it, as a reservation's. */
export type ChargeOutcome =
  | { status: 'ok'; accountId: string; balance: bigint; budgetRemaining: bigint | null; charged: bigint }
  | { status: 'insufficient_balance'; accountId: string; balance: bigint }
  | { status: 'key_budget'; budgetRemaining: bigint };

export interface ChargeArgs {
  tenantId: string;
  userId: string;
  apiKeyId: string | null;
  requestId: string;
  amount: bigint;
  signupCredits: bigint;
  metadata: Record<string, unknown>;
  /** The entry's idempotency key, made once per call: a charge run again returns its first outcome. */
  idempotencyKey: string;
}

export type SettleOutcome = Exclude<ReservationStatus, 'pending'>;

export interface PostArgs {
  accountId: string;
  kind: LedgerKind;
  amount: bigint;
  idempotencyKey: string | null;
  actorId: string | null;
  reason: string | null;
  metadata: Record<string, unknown>;
  requestId: string | null;
}

export interface TransferArgs extends Omit<PostArgs, 'accountId' | 'kind'> {
  fromAccountId: string;
  toAccountId: string;
}

export type TransferOutcome =
  | { status: 'ok' | 'replayed'; fromEntryId: string; toEntryId: string }
  | { status: 'insufficient_balance'; balance: bigint };

const big = (v: string | null): bigint | null => (v === null ? null : BigInt(v));

/**
 * The money moves. Each is one call of a SQL function from the Credits migration, so each is
 * one round trip and one transaction, with the row locks taken in one fixed order
 * (reservation, account, key spend). Nothing else in the code writes balances or the ledger.
 */
@Injectable()
export class LedgerRepository {
  constructor(
    private readonly db: DataSource,
    private readonly batcher: LedgerBatcher,
  ) {}

  /** One reservation (see credits_reserve), batched with the other calls in flight. */
  async reserve(a: ReserveArgs): Promise<ReserveOutcome> {
    let row: LedgerOpRow;
    try {
      row = await this.batcher.apply(a.userId, {
        op: 'reserve',
        tenant: a.tenantId,
        user: a.userId,
        key: a.apiKeyId,
        request: a.requestId,
        amount: a.amount.toString(),
        model: a.model,
        signup: a.signupCredits.toString(),
        ttl: a.ttlSeconds,
      });
    } catch (err) {
      const pg = pgErrorOf(err);
      if (pg?.code === KEY_BUDGET_SQLSTATE)
        return { status: 'key_budget', budgetRemaining: BigInt(pg.detail ?? '0') };
      throw err;
    }
    switch (row.r_status as ReserveStatus) {
      case 'ok':
        return {
          status: 'ok',
          reservationId: row.r_reservation!,
          accountId: row.r_account!,
          balance: BigInt(row.r_balance!),
          budgetRemaining: big(row.r_budget_remaining),
        };
      case 'insufficient_balance':
        return { status: 'insufficient_balance', accountId: row.r_account!, balance: BigInt(row.r_balance!) };
      case 'key_budget':
        return { status: 'key_budget', budgetRemaining: BigInt(row.r_budget_remaining!) };
    }
  }

  /**
   * Charges a call that held nothing (see credits_charge): the same checks as a reservation of
   * `amount`, then its one ledger entry; batched with the other calls in flight. Its idempotency
   * key makes a run after it committed (a batch retried op by op) return the first outcome.
   */
  async charge(a: ChargeArgs): Promise<ChargeOutcome> {
    const row = await this.batcher.apply(a.userId, {
      op: 'charge',
      tenant: a.tenantId,
      user: a.userId,
      key: a.apiKeyId,
      request: a.requestId,
      amount: a.amount.toString(),
      signup: a.signupCredits.toString(),
      metadata: a.metadata,
      idem: a.idempotencyKey,
    });
    switch (row.r_status as ReserveStatus) {
      case 'ok':
        return {
          status: 'ok',
          accountId: row.r_account!,
          balance: BigInt(row.r_balance!),
          budgetRemaining: big(row.r_budget_remaining),
          charged: BigInt(row.r_charged!),
        };
      case 'insufficient_balance':
        return { status: 'insufficient_balance', accountId: row.r_account!, balance: BigInt(row.r_balance!) };
      case 'key_budget':
        return { status: 'key_budget', budgetRemaining: BigInt(row.r_budget_remaining!) };
    }
  }

  /**
   * Ends a pending reservation; a repeat returns the first outcome. `missing`: no such
   * reservation. `userId` (the reservation's user) picks the batch lane.
   */
  async settle(
    reservationId: string,
    actual: bigint,
    metadata: Record<string, unknown>,
    outcome: SettleOutcome,
    userId: string,
  ): Promise<{ status: ReservationStatus | 'missing'; charged: bigint | null }> {
    const row = await this.batcher.apply(userId, {
      op: 'settle',
      reservation: reservationId,
      actual: actual.toString(),
      metadata,
      outcome,
    });
    return { status: row.r_status as ReservationStatus | 'missing', charged: big(row.r_charged) };
  }

  /** Pushes the expiry of reservations whose requests this process is still serving. */
  async renew(reservationIds: string[], ttlSeconds: number): Promise<void> {
    if (reservationIds.length === 0) return;
    await this.db.query(
      // Rows locked in id order, skipping any a settlement holds right now (it ends them anyway;
      // a failed one is renewed next time), so this never deadlocks with a settling batch.
      `UPDATE credit_reservations r SET expires_at = now() + make_interval(secs => $2)
         FROM (SELECT id FROM credit_reservations WHERE id = ANY($1::uuid[]) AND status = 'pending'
                ORDER BY id FOR UPDATE SKIP LOCKED) l
        WHERE r.id = l.id`,
      [reservationIds, ttlSeconds],
    );
  }

  /** Expires up to `limit` reservations past their expiry (or every pending one, with `all`). */
  async sweep(limit: number, all: boolean): Promise<number> {
    const rows: Array<{ n: number }> = await this.db.query(`SELECT credits_sweep($1, $2) AS n`, [limit, all]);
    return Number(rows[0]?.n ?? 0);
  }

  /** The user's account id, created (with the signup grant) on first use. */
  async userAccount(tenantId: string, userId: string, signupCredits: bigint): Promise<string> {
    const rows: Array<{ id: string }> = await this.db.query(`SELECT credits_user_account($1, $2, $3) AS id`, [
      tenantId,
      userId,
      signupCredits.toString(),
    ]);
    return rows[0]!.id;
  }

  async poolAccount(tenantId: string): Promise<string> {
    const rows: Array<{ id: string }> = await this.db.query(`SELECT credits_pool_account($1) AS id`, [
      tenantId,
    ]);
    return rows[0]!.id;
  }

  /** One posting, once per idempotency key. `entryId` null: it would take the balance below zero. */
  async post(a: PostArgs): Promise<{ entryId: string | null; replayed: boolean }> {
    const rows: Array<{ r_entry: string | null; r_replayed: boolean }> = await this.db.query(
      `SELECT * FROM credits_post($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
      [
        a.accountId,
        a.kind,
        a.amount.toString(),
        a.idempotencyKey,
        a.actorId,
        a.reason,
        toJson(a.metadata),
        a.requestId,
      ],
    );
    const row = rows[0]!;
    return { entryId: row.r_entry, replayed: row.r_replayed };
  }

  async transfer(a: TransferArgs): Promise<TransferOutcome> {
    const rows: Array<{
      r_status: 'ok' | 'replayed' | 'insufficient_balance';
      r_from_entry: string | null;
      r_to_entry: string | null;
      r_balance: string | null;
    }> = await this.db.query(`SELECT * FROM credits_transfer($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`, [
      a.fromAccountId,
      a.toAccountId,
      a.amount.toString(),
      a.idempotencyKey,
      a.actorId,
      a.reason,
      toJson(a.metadata),
      a.requestId,
    ]);
    const row = rows[0]!;
    if (row.r_status === 'insufficient_balance')
      return { status: row.r_status, balance: BigInt(row.r_balance!) };
    return { status: row.r_status, fromEntryId: row.r_from_entry!, toEntryId: row.r_to_entry! };
  }
}
