import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@switchyard/auth';
import { DataSource } from 'typeorm';
import { MonthlyPartitions, type DroppedPartition } from '@switchyard/core';
import { NO_API_KEY } from '../entities/usage-daily.entity.js';
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

/** Dimensions GET /usage can group by, and the SQL each stands for over usage_records. */
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

/** The same dimensions over the daily rollups (no hour: a rollup is a day). */
const ROLLUP_GROUPS: Record<Exclude<UsageGroup, 'hour'>, string> = {
  day: `to_char(day, 'YYYY-MM-DD')`,
  model: 'model',
  provider: 'provider',
  key: `NULLIF(api_key_id, '${NO_API_KEY}'::uuid)`,
  user: 'user_id',
  endpoint: 'endpoint',
  status: 'status',
};

/**
 * Where GET /usage reads from: `auto` takes the daily rollups for ranges longer than a day (whole
 * days from usage_daily, the partial days at either end from usage_records) and the records
 * otherwise; `raw` and `rollup` force one (tests compare them: the answers are identical).
 */
export type UsageSource = 'auto' | 'raw' | 'rollup';

const DAY_MS = 86_400_000;

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
    // The records and their daily rollups in one statement: the rollups never disagree with the
    // records, whichever instance wrote them. Rollup keys in a fixed order, so two instances
    // adding to the same rows lock them in the same order.
    await this.db.query(
      `WITH ins AS (
         INSERT INTO usage_records (request_id, tenant_id, user_id, api_key_id, provider, model, endpoint,
           input_tokens, output_tokens, cached_input_tokens, cost, latency_ms, ttft_ms, status, error_class, created_at)
         VALUES ${tuples.join(', ')}
         RETURNING tenant_id, user_id, api_key_id, provider, model, endpoint, status, input_tokens, output_tokens,
           cached_input_tokens, cost, latency_ms, ttft_ms, created_at
       )
       ${ROLLUP_INSERT}`,
      params,
    );
  }

  async aggregate(
    scope: TenantScope,
    groups: UsageGroup[],
    filter: UsageFilter,
    limit: number,
    source: UsageSource = 'auto',
  ): Promise<{ rows: UsageAggregateRow[]; totals: Omit<UsageAggregateRow, 'group'>; truncated: boolean }> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    // The same filters on both sources (the column names are the same).
    const filters: string[] = [];
    const add = (sql: string, value: unknown) => filters.push(`${sql} = ${param(value)}`);
    if (scope.kind === 'tenant') add('tenant_id', scope.tenantId);
    if (filter.tenantId) add('tenant_id', filter.tenantId);
    if (filter.userId) add('user_id', filter.userId);
    if (filter.apiKeyId) add('api_key_id', filter.apiKeyId);
    if (filter.model) add('model', filter.model);
    if (filter.provider) add('provider', filter.provider);

    const raw = (from: Date, to: Date) =>
      `SELECT ${groups.map((g, i) => `${USAGE_GROUPS[g]} AS g${i}`).join(', ')}${groups.length ? ',' : ''}
              status, usage_latency_bucket(latency_ms) AS bucket, 1::bigint AS n, input_tokens::bigint AS inp,
              output_tokens::bigint AS outp, cached_input_tokens::bigint AS cached, cost, latency_ms::bigint AS lat,
              coalesce(ttft_ms, 0)::bigint AS tt, (ttft_ms IS NOT NULL)::int::bigint AS tc
         FROM usage_records
        WHERE ${[`created_at >= ${param(from.toISOString())}`, `created_at < ${param(to.toISOString())}`, ...filters].join(' AND ')}`;
    const rollup = (fromDay: Date, toDay: Date) =>
      `SELECT ${groups.map((g, i) => `${ROLLUP_GROUPS[g as Exclude<UsageGroup, 'hour'>]} AS g${i}`).join(', ')}${groups.length ? ',' : ''}
              status, latency_bucket AS bucket, requests AS n, input_tokens AS inp, output_tokens AS outp,
              cached_input_tokens AS cached, cost, latency_ms_sum AS lat, ttft_ms_sum AS tt, ttft_count AS tc
         FROM usage_daily
        WHERE ${[`day >= ${param(isoDay(fromDay))}::date`, `day < ${param(isoDay(toDay))}::date`, ...filters].join(' AND ')}`;

    const { from, to } = filter;
    const firstDay = new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS);
    const lastDay = new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS);
    const rollupFits = !groups.includes('hour') && firstDay < lastDay;
    const useRollup =
      source === 'rollup'
        ? rollupFits
        : source === 'auto' && rollupFits && to.getTime() - from.getTime() > DAY_MS;
    const sources = useRollup
      ? [
          rollup(firstDay, lastDay),
          ...(from < firstDay ? [raw(from, firstDay)] : []),
          ...(lastDay < to ? [raw(lastDay, to)] : []),
        ]
      : [raw(from, to)];

    const g = groups.map((_, i) => `g${i}`);
    const isTotal = g.length ? `GROUPING(${g.join(', ')}) > 0` : 'TRUE';
    const partition = [...g, 'is_total'].join(', ');
    // Percentiles the way percentile_cont interpolates, over the latency steps: the value at the
    // p*(N-1)th call in latency order, interpolated between its neighbours.
    const percentile = (p: string) => {
      // `total` is the same on every row of a group: per row inside FILTER, aggregated outside.
      const rowPos = `(${p}::float8 * (total - 1))`;
      const pos = `(${p}::float8 * (max(total) - 1))`;
      const lo = `min(bucket) FILTER (WHERE upto > floor(${rowPos}))::float8`;
      const hi = `min(bucket) FILTER (WHERE upto > ceil(${rowPos}))::float8`;
      return `coalesce(round(${lo} + (${hi} - ${lo}) * (${pos} - floor(${pos}))), 0)::int`;
    };
    params.push(limit + 2);
    const sql = `
      WITH src AS (${sources.join(' UNION ALL ')}),
      h AS (
        SELECT ${[...g, `${isTotal} AS is_total`].join(', ')}, bucket, sum(n) AS n,
               sum(n) FILTER (WHERE status <> 'ok') AS err, sum(inp) AS inp, sum(outp) AS outp,
               sum(cached) AS cached, sum(cost) AS cost, sum(lat) AS lat, sum(tt) AS tt, sum(tc) AS tc
          FROM src
         GROUP BY ${g.length ? `GROUPING SETS ((${[...g, 'bucket'].join(', ')}), (bucket))` : 'bucket'}
      ),
      c AS (
        SELECT h.*, (sum(n) OVER (PARTITION BY ${partition} ORDER BY bucket))::float8 AS upto,
               (sum(n) OVER (PARTITION BY ${partition}))::float8 AS total
          FROM h
      )
      SELECT ${[...g, 'is_total'].join(', ')}, sum(n)::int AS requests, coalesce(sum(err), 0)::int AS errors,
             sum(inp)::text AS input_tokens, sum(outp)::text AS output_tokens,
             sum(cached)::text AS cached_input_tokens, sum(cost)::text AS cost,
             round(sum(lat)::numeric / sum(n))::int AS avg_latency_ms,
             ${percentile('0.5')} AS p50_latency_ms, ${percentile('0.95')} AS p95_latency_ms,
             round(sum(tt)::numeric / nullif(sum(tc), 0))::int AS avg_ttft_ms
        FROM c
       GROUP BY ${partition}
       ORDER BY is_total DESC${g.length ? `, ${g.join(', ')}` : ''}
       LIMIT $${params.length}`;
    const result: Array<Record<string, unknown>> = await this.db.query(sql, params);
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
    // No calls in range: no row at all, not even the total.
    const total = result[0]?.is_total ? result.shift() : undefined;
    const { group: _group, ...totals } = total ? toRow(total) : EMPTY;
    return { rows: result.slice(0, limit).map(toRow), totals, truncated: result.length > limit };
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

  /**
   * Recomputes the rollups of the UTC days [fromDay, toDay) from the records (rows loaded into
   * usage_records by other means than insertMany: a bulk import, a restore). One transaction.
   */
  async rebuildRollups(fromDay: Date, toDay: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM usage_daily WHERE day >= $1::date AND day < $2::date', [
        isoDay(fromDay),
        isoDay(toDay),
      ]);
      await tx.query(
        `WITH ins AS (
           SELECT * FROM usage_records
            WHERE created_at >= $1::date::timestamp AT TIME ZONE 'UTC'
              AND created_at < $2::date::timestamp AT TIME ZONE 'UTC'
         )
         ${ROLLUP_INSERT}`,
        [isoDay(fromDay), isoDay(toDay)],
      );
    });
  }

  /** The month partitions of usage_records. */
  partitions(): MonthlyPartitions {
    return new MonthlyPartitions(this.db, 'usage_records');
  }

  /**
   * Retention: drops the month partitions older than `cutoff`, then whatever else is older than
   * the oldest month left (rows that fell into the default partition, and the rollups of every
   * day gone), so the rollups keep matching the records.
   */
  async dropBefore(cutoff: Date): Promise<DroppedPartition[]> {
    const partitions = this.partitions();
    const dropped = await partitions.dropBefore(cutoff);
    const [oldest] = await partitions.list();
    const monthStart = new Date(Date.UTC(cutoff.getUTCFullYear(), cutoff.getUTCMonth(), 1));
    const keepFrom = oldest && oldest.from < monthStart ? oldest.from : monthStart;
    await this.db.query('DELETE FROM usage_records_default WHERE created_at < $1', [keepFrom.toISOString()]);
    await this.db.query('DELETE FROM usage_daily WHERE day < $1::date', [isoDay(keepFrom)]);
    return dropped;
  }
}

const EMPTY: UsageAggregateRow = {
  group: {},
  requests: 0,
  errors: 0,
  inputTokens: 0n,
  outputTokens: 0n,
  cachedInputTokens: 0n,
  cost: 0n,
  avgLatencyMs: 0,
  p50LatencyMs: 0,
  p95LatencyMs: 0,
  avgTtftMs: null,
};

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Adds the rows of the CTE `ins` (just inserted into usage_records) to their daily rollups. */
const ROLLUP_INSERT = `
  INSERT INTO usage_daily (day, tenant_id, user_id, api_key_id, provider, model, endpoint, status, latency_bucket,
    requests, input_tokens, output_tokens, cached_input_tokens, cost, latency_ms_sum, ttft_ms_sum, ttft_count)
  SELECT (created_at AT TIME ZONE 'UTC')::date, tenant_id, user_id, coalesce(api_key_id, '${NO_API_KEY}'::uuid),
         provider, model, endpoint, status, usage_latency_bucket(latency_ms), count(*), sum(input_tokens),
         sum(output_tokens), sum(cached_input_tokens), sum(cost), sum(latency_ms), coalesce(sum(ttft_ms), 0),
         count(ttft_ms)
    FROM ins
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
   ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT (day, tenant_id, user_id, api_key_id, provider, model, endpoint, status, latency_bucket) DO UPDATE SET
    requests = usage_daily.requests + EXCLUDED.requests,
    input_tokens = usage_daily.input_tokens + EXCLUDED.input_tokens,
    output_tokens = usage_daily.output_tokens + EXCLUDED.output_tokens,
    cached_input_tokens = usage_daily.cached_input_tokens + EXCLUDED.cached_input_tokens,
    cost = usage_daily.cost + EXCLUDED.cost,
    latency_ms_sum = usage_daily.latency_ms_sum + EXCLUDED.latency_ms_sum,
    ttft_ms_sum = usage_daily.ttft_ms_sum + EXCLUDED.ttft_ms_sum,
    ttft_count = usage_daily.ttft_count + EXCLUDED.ttft_count`;
