import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { bigintColumn } from './bigint.transformer.js';

export type UsageStatus = 'ok' | 'error' | 'aborted';

/**
 * One upstream call as metered: written in batches off the response path (with its daily rollup,
 * usage_daily), read by GET /usage. Partitioned by month on created_at (decision 0019), so the
 * primary key carries created_at and no foreign key can point here.
 */
@Entity({ name: 'usage_records' })
@Check('usage_records_status_check', `status IN ('ok', 'error', 'aborted')`)
@Index('usage_records_tenant_time_idx', ['tenantId', 'createdAt'])
@Index('usage_records_errors_idx', ['createdAt'], { where: `status <> 'ok'` })
export class UsageRecordEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ name: 'request_id', type: 'text' })
  requestId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ type: 'text' })
  model!: string;

  /** e.g. chat.completions, completions, embeddings. */
  @Column({ type: 'text' })
  endpoint!: string;

  @Column({ name: 'input_tokens', type: 'integer' })
  inputTokens!: number;

  @Column({ name: 'output_tokens', type: 'integer' })
  outputTokens!: number;

  @Column({ name: 'cached_input_tokens', type: 'integer', default: 0 })
  cachedInputTokens!: number;

  /** Micro-credits charged. */
  @Column({ type: 'bigint', transformer: bigintColumn })
  cost!: bigint;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs!: number;

  @Column({ name: 'ttft_ms', type: 'integer', nullable: true })
  ttftMs!: number | null;

  @Column({ type: 'text' })
  status!: UsageStatus;

  @Column({ name: 'error_class', type: 'text', nullable: true })
  errorClass!: string | null;

  /** The partition key. */
  @PrimaryColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
