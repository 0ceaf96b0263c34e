import { TenantEntity, UserEntity } from '@switchyard/auth';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { bigintColumn } from './bigint.transformer.js';

export type CreditAccountKind = 'user' | 'tenant_pool';

/**
 * A balance: one per user, and one pool per tenant that its admins fund users from. The balance
 * only changes together with a ledger row carrying the same amount (`balance == sum(entries)`).
 */
@Entity({ name: 'credit_accounts' })
@Check('credit_accounts_kind_check', `kind IN ('user', 'tenant_pool')`)
@Check(
  'credit_accounts_owner_check',
  `(kind = 'user' AND user_id IS NOT NULL) OR (kind = 'tenant_pool' AND user_id IS NULL)`,
)
@Check('credit_accounts_balance_check', `balance >= 0`)
@Check('credit_accounts_held_check', `held >= 0 AND held <= balance`)
@Index('credit_accounts_tenant_pool_key', ['tenantId'], { unique: true, where: `kind = 'tenant_pool'` })
export class CreditAccountEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('credit_accounts_tenant_idx')
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** Null for the tenant pool. */
  @Index('credit_accounts_user_key', { unique: true })
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  // Money history outlives nothing: a tenant or user with an account cannot be hard-deleted.
  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: Relation<TenantEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<UserEntity>;

  @Column({ type: 'text' })
  kind!: CreditAccountKind;

  /** Micro-credits: the sum of the account's ledger entries, at every moment. */
  @Column({ type: 'bigint', default: 0, transformer: bigintColumn })
  balance!: bigint;

  /**
   * What the pending reservations of calls in flight hold (no ledger entry until they settle);
   * what the account can spend is `balance - held`.
   */
  @Column({ type: 'bigint', default: 0, transformer: bigintColumn })
  held!: bigint;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
