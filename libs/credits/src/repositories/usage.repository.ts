import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@switchyard/auth';
import { DataSource } from 'typeorm';
import type { UsageStatus } from '../entities/usage-record.entity.js';

/** A usage row as the recorder buffers it. */
export interface UsageRow {
  requestId: string;
  tenantId: string;
  userId: string;
  apiKeyId: string | null;
  provider: string;
  model: string;
  endpoint: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cost: bigint;
  latencyMs: number;
  ttftMs: number | null;
  status: UsageStatus;
  errorClass: string | null;
  at: Date;
}

/** Dimensions GET /usage can group by, and the SQL each stands for. */
export const USAGE_GROUPS = {
  hour: `to_char(date_trunc('hour', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"')`,
  day: `to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`,
  model: 'model',
  provider: 'provider',
  key: 'api_key_id',
  user: 'user_id',
  endpoint: 'endpoint',
  status: 'status',
} as const;
export type UsageGroup = keyof typeof USAGE_GROUPS;

export interface UsageFilter {
  from: Date;
  to: Date;
  tenantId?: string;
  userId?: string;
  apiKeyId?: string;
  model?: string;
  provider?: string;
}

export interface UsageAggregateRow {
  group: Partial<Record<UsageGroup, string | null>>;
  requests: number;
  errors: number;
  inputTokens: bigint;
  outputTokens: bigint;
  cachedInputTokens: bigint;
  cost: bigint;
  avgLatencyMs: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
  avgTtftMs: number | null;
}

/** One failed or aborted call, newest first (GET /usage/errors). */
export interface UsageErrorRow {
  at: Date;
  requestId: string;
  userId: string;
  apiKeyId: string | null;
  provider: string;
  model: string;
  endpoint: string;
  status: UsageStatus;
  errorClass: string | null;
  latencyMs: number;
}

const COLUMNS = 16;
/** Postgres takes at most 65535 parameters per statement. */
export const MAX_USAGE_BATCH = Math.floor(65_535 / COLUMNS);

@Injectable()
export class UsageRepository {
  constructor(private readonly db: DataSource) {}

  /** Inserts up to MAX_USAGE_BATCH rows in one statement. */
  async insertMany(rows: UsageRow[]): Promise<void> {
    if (rows.length === 0) return;
    const params: unknown[] = [];
    const tuples = rows.map((r) => {
      const base = params.length;
      params.push(
        r.requestId,
        r.tenantId,
        r.userId,
        r.apiKeyId,
        r.provider,
        r.model,
        r.endpoint,
        r.inputTokens,
        r.outputTokens,
        r.cachedInputTokens,
        r.cost.toString(),
        r.latencyMs,
        r.ttftMs,
        r.status,
        r.errorClass,
        r.at.toISOString(),
      );
      return `(${Array.from({ length: COLUMNS }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    await this.db.query(
      `INSERT INTO usage_records (request_id, tenant_id, user_id, api_key_id, provider, model, endpoint,
         input_tokens, output_tokens, cached_input_tokens, cost, latency_ms, ttft_ms, status, error_class, created_at)
       VALUES ${tuples.join(', ')}`,
      params,
    );
  }

  async aggregate(
    scope: TenantScope,
    groups: UsageGroup[],
    filter: UsageFilter,
    limit: number,
  ): Promise<{ rows: UsageAggregateRow[]; totals: Omit<UsageAggregateRow, 'group'>; truncated: boolean }> {
    const params: unknown[] = [filter.from.toISOString(), filter.to.toISOString()];
    const where = ['created_at >= $1', 'created_at < $2'];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(`${sql} = $${params.length}`);
    };
    if (scope.kind === 'tenant') add('tenant_id', scope.tenantId);
    if (filter.tenantId) add('tenant_id', filter.tenantId);
    if (filter.userId) add('user_id', filter.userId);
    if (filter.apiKeyId) add('api_key_id', filter.apiKeyId);
    if (filter.model) add('model', filter.model);
    if (filter.provider) add('provider', filter.provider);
    const keys = groups.map((g, i) => `${USAGE_GROUPS[g]} AS g${i}`);
    const measures = `COUNT(*)::int AS requests, (COUNT(*) FILTER (WHERE status <> 'ok'))::int AS errors,
      COALESCE(SUM(input_tokens), 0)::text AS input_tokens, COALESCE(SUM(output_tokens), 0)::text AS output_tokens,
      COALESCE(SUM(cached_input_tokens), 0)::text AS cached_input_tokens, COALESCE(SUM(cost), 0)::text AS cost,
      COALESCE(ROUND(AVG(latency_ms)), 0)::int AS avg_latency_ms,
      COALESCE(ROUND(percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)), 0)::int AS p50_latency_ms,
      COALESCE(ROUND(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)), 0)::int AS p95_latency_ms,
      ROUND(AVG(ttft_ms))::int AS avg_ttft_ms`;
    // Grouping sets give the groups and the grand total in one pass over the rows.
    const groupBy = groups.length
      ? `GROUP BY GROUPING SETS ((${groups.map((_, i) => `g${i}`).join(', ')}), ())`
      : '';
    // The total row, `limit` groups, and one more to tell whether groups were left out.
    params.push(limit + 2);
    const sql = `
      SELECT ${groups.length ? `${groups.map((_, i) => `g${i}`).join(', ')}, GROUPING(${groups.map((_, i) => `g${i}`).join(', ')}) > 0 AS is_total,` : 'TRUE AS is_total,'} ${measures}
        FROM (SELECT ${[...keys, '*'].join(', ')} FROM usage_records WHERE ${where.join(' AND ')}) u
        ${groupBy}
       ORDER BY is_total DESC${groups.length ? `, ${groups.map((_, i) => `g${i}`).join(', ')}` : ''}
       LIMIT $${params.length}`;
    const raw: Array<Record<string, unknown>> = await this.db.query(sql, params);
    const toRow = (r: Record<string, unknown>): UsageAggregateRow => ({
      group: Object.fromEntries(groups.map((g, i) => [g, (r[`g${i}`] as string | null) ?? null])),
      requests: Number(r.requests),
      errors: Number(r.errors),
      inputTokens: BigInt(r.input_tokens as string),
      outputTokens: BigInt(r.output_tokens as string),
      cachedInputTokens: BigInt(r.cached_input_tokens as string),
      cost: BigInt(r.cost as string),
      avgLatencyMs: Number(r.avg_latency_ms),
      p50LatencyMs: Number(r.p50_latency_ms),
      p95LatencyMs: Number(r.p95_latency_ms),
      avgTtftMs: r.avg_ttft_ms === null || r.avg_ttft_ms === undefined ? null : Number(r.avg_ttft_ms),
    });
    const [total, ...rest] = raw;
    const { group: _group, ...totals } = toRow(total!);
    return { rows: rest.slice(0, limit).map(toRow), totals, truncated: rest.length > limit };
  }

  /** The latest calls that did not end well, within the scope (and one user when given). */
  async recentErrors(
    scope: TenantScope,
    filter: { from: Date; userId?: string; tenantId?: string },
    limit: number,
  ): Promise<UsageErrorRow[]> {
    const params: unknown[] = [filter.from.toISOString()];
    const where = [`created_at >= $1`, `status <> 'ok'`];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(`${sql} = $${params.length}`);
    };
    if (scope.kind === 'tenant') add('tenant_id', scope.tenantId);
    if (filter.tenantId) add('tenant_id', filter.tenantId);
    if (filter.userId) add('user_id', filter.userId);
    params.push(limit);
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT created_at, request_id, user_id, api_key_id, provider, model, endpoint, status, error_class, latency_ms
         FROM usage_records WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      at: new Date(r.created_at as string),
      requestId: r.request_id as string,
      userId: r.user_id as string,
      apiKeyId: (r.api_key_id as string | null) ?? null,
      provider: r.provider as string,
      model: r.model as string,
      endpoint: r.endpoint as string,
      status: r.status as UsageStatus,
      errorClass: (r.error_class as string | null) ?? null,
      latencyMs: Number(r.latency_ms),
    }));
  }
}
