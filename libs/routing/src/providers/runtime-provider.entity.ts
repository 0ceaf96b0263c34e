import { TenantEntity } from '@switchyard/auth';
import type { RuntimeFormat, RuntimeModelDefinition } from '@switchyard/providers';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';

/**
 * A provider registered at run time (`/api/v1/providers`). Its id is what callers write before
 * the slash, unique across every tenant and never a catalog file's id. No tenant: a platform
 * provider, seen by every tenant.
 */
@Entity({ name: 'runtime_providers' })
@Check('runtime_providers_format_check', `format IN ('openai', 'anthropic', 'gemini', 'ollama')`)
@Check('runtime_providers_timeout_check', `timeout_ms > 0`)
export class RuntimeProviderEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Index()
  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId!: string | null;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: Relation<TenantEntity>;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  format!: RuntimeFormat;

  /** Normalised for the wire format (Ollama's ends in /v1). */
  @Column({ name: 'base_url', type: 'text' })
  baseUrl!: string;

  /** Sent with every upstream call. Stored in clear: credentials belong in the vault. */
  @Column({ name: 'default_headers', type: 'jsonb' })
  defaultHeaders!: Record<string, string>;

  @Column({ name: 'timeout_ms', type: 'integer' })
  timeoutMs!: number;

  @Column({ name: 'key_required', type: 'boolean' })
  keyRequired!: boolean;

  /** Speaks OpenAI's Responses API natively (`openai` format only): /v1/responses goes through as is. */
  @Column({ name: 'responses_api', type: 'boolean', default: false })
  responsesApi!: boolean;

  /** The models, prices as decimal strings of credits (catalog field names). */
  @Column({ type: 'jsonb' })
  models!: RuntimeModelDefinition[];

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
