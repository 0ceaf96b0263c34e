import {
  Check,
  Column,
  JoinColumn,
  ManyToOne,
  type Relation,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { TenantEntity } from './tenant.entity.js';
import { UserEntity } from './user.entity.js';

const bigintColumn = {
  to: (v: bigint | null | undefined) => (v === null || v === undefined ? v : v.toString()),
  from: (v: string | null) => (v === null ? null : BigInt(v)),
};

/** A Switchyard API key. Only its SHA-256 is stored; the secret is shown once at creation. */
@Entity({ name: 'api_keys' })
@Check(
  'api_keys_limits_check',
  `(rpm IS NULL OR rpm > 0) AND (tpm IS NULL OR tpm > 0) AND (credit_budget IS NULL OR credit_budget >= 0)`,
)
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Index()
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: Relation<TenantEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<UserEntity>;

  @Column({ type: 'text' })
  name!: string;

  /** The visible start of the secret, e.g. `sk-sy-Ab12`. */
  @Column({ type: 'text' })
  prefix!: string;

  @Column({ type: 'text' })
  last4!: string;

  @Column({ name: 'key_hash', type: 'text', unique: true })
  keyHash!: string;

  @Column({ name: 'allowed_models', type: 'text', array: true, nullable: true })
  allowedModels!: string[] | null;

  @Column({ type: 'integer', nullable: true })
  rpm!: number | null;

  @Column({ type: 'integer', nullable: true })
  tpm!: number | null;

  /** Micro-credits this key may spend in all; null = no key-level budget. */
  @Column({ name: 'credit_budget', type: 'bigint', nullable: true, transformer: bigintColumn })
  creditBudget!: bigint | null;

  /** Response-cache TTL for this key's chat calls (docs/cache.md); null = not cached unless asked. */
  @Column({ name: 'cache_ttl_seconds', type: 'integer', nullable: true })
  cacheTtlSeconds!: number | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
