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
  type Relation,
  UpdateDateColumn,
} from 'typeorm';

export const OWNER_TYPES = ['platform', 'tenant', 'user'] as const;
/** Whose pool a key is in: the platform's (every tenant), a tenant's, or one user's (bring your own). */
export type OwnerType = (typeof OWNER_TYPES)[number];

export const KEY_STATUSES = ['active', 'invalid', 'disabled'] as const;
/** Stored status; "cooling down" is not stored as a status but as `cooldown_until` in the future. */
export type StoredKeyStatus = (typeof KEY_STATUSES)[number];

/**
 * A provider key in the vault. The secret is only ever stored sealed (AES-256-GCM, see
 * VaultCipher); `last4` is all that is shown, and `fingerprint` (a keyed hash) finds duplicates.
 */
@Entity({ name: 'provider_keys' })
@Check(
  'provider_keys_owner_check',
  `(owner_type = 'platform' AND tenant_id IS NULL AND user_id IS NULL) OR ` +
    `(owner_type = 'tenant' AND tenant_id IS NOT NULL AND user_id IS NULL) OR ` +
    `(owner_type = 'user' AND tenant_id IS NOT NULL AND user_id IS NOT NULL)`,
)
@Check('provider_keys_status_check', `status IN ('active', 'invalid', 'disabled')`)
@Check('provider_keys_failures_check', `failure_count >= 0 AND total_failures >= 0`)
@Index('provider_keys_owner_fingerprint_uq', ['ownerKey', 'provider', 'fingerprint'], { unique: true })
@Index('provider_keys_selected_uq', ['ownerKey', 'provider'], { unique: true, where: 'selected' })
export class ProviderKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'owner_type', type: 'text' })
  ownerType!: OwnerType;

  /** `platform`, `tenant:<id>` or `user:<id>`: one column to index pools and selections by. */
  @Column({ name: 'owner_key', type: 'text' })
  ownerKey!: string;

  @Index()
  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId!: string | null;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: Relation<TenantEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<UserEntity>;

  /** A catalog provider id. */
  @Column({ type: 'text' })
  provider!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Overrides the provider's base URL for this key (a proxy, an Azure resource). */
  @Column({ name: 'base_url', type: 'text', nullable: true })
  baseUrl!: string | null;

  /** `v1:<key version>:<sealed>`; see VaultCipher. */
  @Column({ type: 'text' })
  ciphertext!: string;

  /** The master key version of `ciphertext`: what `vault:rotate` looks for. */
  @Column({ name: 'key_version', type: 'text' })
  keyVersion!: string;

  @Column({ type: 'text' })
  fingerprint!: string;

  @Column({ type: 'text' })
  last4!: string;

  @Column({ type: 'text', default: 'active' })
  status!: StoredKeyStatus;

  @Column({ name: 'cooldown_until', type: 'timestamptz', nullable: true })
  cooldownUntil!: Date | null;

  /** Failures since the last success (rate limits, auth). */
  @Column({ name: 'failure_count', type: 'integer', default: 0 })
  failureCount!: number;

  @Column({ name: 'total_failures', type: 'integer', default: 0 })
  totalFailures!: number;

  /** The kind of the last failure (auth, rate_limit, quota, ...). */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'last_failure_at', type: 'timestamptz', nullable: true })
  lastFailureAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  /** The owner's preferred key for this provider: tried first in its pool. At most one per owner and provider. */
  @Column({ type: 'boolean', default: false })
  selected!: boolean;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** The pool key of an owner. */
export function ownerKeyOf(owner: {
  ownerType: OwnerType;
  tenantId: string | null;
  userId: string | null;
}): string {
  switch (owner.ownerType) {
    case 'platform':
      return 'platform';
    case 'tenant':
      return `tenant:${owner.tenantId!}`;
    case 'user':
      return `user:${owner.userId!}`;
  }
}
