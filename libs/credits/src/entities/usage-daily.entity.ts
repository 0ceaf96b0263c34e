import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from './bigint.transformer.js';

/** api_key_id of calls made without an API key (a JWT): the primary key cannot hold NULL. */
export const NO_API_KEY = '00000000-0000-0000-0000-000000000000';

/**
 * Daily rollup of usage_records, kept in the same statement that inserts the records (decision
 * 0019): one row per UTC day, tenant, user, key, provider, model, endpoint and status, with the
 * sums and the latency histogram (calls per `usage_latency_bucket` step), so GET /usage over long
 * ranges reads these instead of every call, percentiles included.
 */
@Entity({ name: 'usage_daily' })
@Index('usage_daily_tenant_day_idx', ['tenantId', 'day'])
export class UsageDailyEntity {
  @PrimaryColumn({ type: 'date' })
  day!: string;

  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** NO_API_KEY when the call had none. */
  @PrimaryColumn({ name: 'api_key_id', type: 'uuid' })
  apiKeyId!: string;

  @PrimaryColumn({ type: 'text' })
  provider!: string;

  @PrimaryColumn({ type: 'text' })
  model!: string;

  @PrimaryColumn({ type: 'text' })
  endpoint!: string;

  @PrimaryColumn({ type: 'text' })
  status!: string;

  @Column({ type: 'bigint', transformer: bigintColumn })
  requests!: bigint;

  @Column({ name: 'input_tokens', type: 'bigint', transformer: bigintColumn })
  inputTokens!: bigint;

  @Column({ name: 'output_tokens', type: 'bigint', transformer: bigintColumn })
  outputTokens!: bigint;

  @Column({ name: 'cached_input_tokens', type: 'bigint', transformer: bigintColumn })
  cachedInputTokens!: bigint;

  /** Micro-credits charged. */
  @Column({ type: 'bigint', transformer: bigintColumn })
  cost!: bigint;

  @Column({ name: 'latency_ms_sum', type: 'bigint', transformer: bigintColumn })
  latencyMsSum!: bigint;

  @Column({ name: 'ttft_ms_sum', type: 'bigint', transformer: bigintColumn })
  ttftMsSum!: bigint;

  /** Calls with a time to first token (streams). */
  @Column({ name: 'ttft_count', type: 'bigint', transformer: bigintColumn })
  ttftCount!: bigint;

  /** The latency steps (usage_latency_bucket) these calls fell in, ascending, each once. */
  @Column({ name: 'latency_buckets', type: 'integer', array: true })
  latencyBuckets!: number[];

  /** How many calls fell in each step of latency_buckets (same length; they add up to requests). */
  @Column({ name: 'latency_counts', type: 'bigint', array: true })
  latencyCounts!: string[];
}
