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

export type ReservationStatus = 'pending' | 'settled' | 'released' | 'expired';

/**
 * The worst-case cost held for one request (two-phase: pending, then settled for the actual
 * amount, released when the call failed, or expired by the sweeper when its process died).
 * This is state, not history: the money moves are the ledger rows that reference it.
 */
@Entity({ name: 'credit_reservations' })
@Check('credit_reservations_status_check', `status IN ('pending', 'settled', 'released', 'expired')`)
@Check(
  'credit_reservations_amount_check',
  `amount >= 0 AND (charged IS NULL OR (charged >= 0 AND charged <= amount))`,
)
@Index('credit_reservations_pending_idx', ['expiresAt'], { where: `status = 'pending'` })
export class CreditReservationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @ManyToOne(() => CreditAccountEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<CreditAccountEntity>;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;

  /**
   * Whether the amount counts in the key's spend while pending: only for a key with a credit
   * budget; a key without one has its charges added when the call settles (decision 0024).
   */
  @Column({ name: 'key_held', type: 'boolean', default: true })
  keyHeld!: boolean;

  @Column({ name: 'request_id', type: 'text' })
  requestId!: string;

  @Column({ type: 'text', nullable: true })
  model!: string | null;

  @Column({ type: 'bigint', transformer: bigintColumn })
  amount!: bigint;

  /** What was finally charged (null while pending). */
  @Column({ type: 'bigint', nullable: true, transformer: bigintColumn })
  charged!: bigint | null;

  @Column({ type: 'text', default: 'pending' })
  status!: ReservationStatus;

  /** The sweeper releases a pending reservation after this; its live process keeps pushing it on. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}
