import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { bigintColumn } from './bigint.transformer.js';
import { CreditAccountEntity } from './credit-account.entity.js';

/**
 * Every kind of ledger entry; the sign of `amount` each may carry is a CHECK constraint. Calls
 * write one `charge` each; `reservation` and `release` are history from before reservations
 * became holds on the account (migration CreditsHolds, decision 0024) and are no longer written.
 */
export const LEDGER_KINDS = [
  'grant',
  'purchase',
  'charge',
  'refund',
  'adjustment',
  'reservation',
  'release',
  'transfer',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/**
 * One change of one balance. Append-only: a trigger (see the Credits migration) refuses UPDATE,
 * DELETE and TRUNCATE. Entries of an account are written under its row lock, so ids increase in
 * the order the balance changed and `balance_after` is the running sum.
 */
@Entity({ name: 'credit_ledger' })
@Check(
  'credit_ledger_kind_check',
  `kind IN ('grant', 'purchase', 'charge', 'refund', 'adjustment', 'reservation', 'release', 'transfer')`,
)
@Check(
  'credit_ledger_sign_check',
  `(kind IN ('grant', 'purchase', 'refund', 'release') AND amount > 0) OR (kind IN ('charge', 'reservation') AND amount < 0) OR (kind IN ('adjustment', 'transfer') AND amount <> 0)`,
)
@Check('credit_ledger_balance_after_check', `balance_after >= 0`)
@Index('credit_ledger_account_idx', ['accountId', 'id'])
@Index('credit_ledger_tenant_time_idx', ['tenantId', 'createdAt'])
export class CreditLedgerEntryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @ManyToOne(() => CreditAccountEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<CreditAccountEntity>;

  /** Copied from the account, so tenant-scoped reads need no join. */
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** The account's user (null on the tenant pool). */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  /** The Switchyard API key that spent it; counts against that key's budget. */
  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;

  @Column({ type: 'text' })
  kind!: LedgerKind;

  /** Signed micro-credits: positive adds to the balance, negative takes from it. */
  @Column({ type: 'bigint', transformer: bigintColumn })
  amount!: bigint;

  @Column({ name: 'balance_after', type: 'bigint', transformer: bigintColumn })
  balanceAfter!: bigint;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ name: 'reservation_id', type: 'uuid', nullable: true })
  reservationId!: string | null;

  /** Unique: the same key never posts twice (API grants, and one release/charge per reservation). */
  @Index('credit_ledger_idempotency_key', { unique: true })
  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  /** The user who caused it (an admin for grants); null for the system (signup, sweeper). */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  metadata!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
