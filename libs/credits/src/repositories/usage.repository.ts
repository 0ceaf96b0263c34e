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

/**
 * Dimensions GET /usage can group by: the value each groups on over usage_records (`raw`) and
 * over the daily rollups (`rollup`; no hour: a rollup is a day), and how it is shown (`out`, of
 * the grouped value `g`). Inside the query a day is a date and "no key" the nil uuid on both
 * sides, so groups compare and hash cheaply; they become text and NULL only in the answer.
 */
export const USAGE_GROUPS = {
  hour: {
    raw: `date_trunc('hour', created_at AT TIME ZONE 'UTC')`,
    rollup: null,
    out: (g: string) => `to_char(${g}, 'YYYY-MM-DD"T"HH24:00:00"Z"')`,
  },
  day: {
    raw: `(created_at AT TIME ZONE 'UTC')::date`,
    rollup: 'day',
    out: (g: string) => `to_char(${g}, 'YYYY-MM-DD')`,
  },
  model: { raw: 'model', rollup: 'model', out: (g: string) => g },
  provider: { raw: 'provider', rollup: 'provider', out: (g: string) => g },
  key: {
    raw: `coalesce(api_key_id, '${NO_API_KEY}'::uuid)`,
    rollup: 'api_key_id',
    out: (g: string) => `NULLIF(${g}, '${NO_API_KEY}'::uuid)`,
  },
  user: { raw: 'user_id', rollup: 'user_id', out: (g: string) => g },
  endpoint: { raw: 'endpoint', rollup: 'endpoint', out: (g: string) => g },
  status: { raw: 'status', rollup: 'status', out: (g: string) => g },
} as const;
export type UsageGroup = keyof typeof USAGE_GROUPS;

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

/**
 * Rows per statement. The rows go as one array per column (unnest), so no parameter limit
 * applies; this bounds one statement's size and lock time.
 */
export const MAX_USAGE_BATCH = 4_000;

/**
 * The records as one array per column: one statement text and 16 parameters however many rows,
 * instead of a VALUES list of 16 parameters per row, which cost the gateway a parameter each to
 * serialize and Postgres a large statement to parse and plan on every flush.
 */
const INSERT_USAGE = `WITH ins AS (
   INSERT INTO usage_records (request_id, tenant_id, user_id, api_key_id, provider, model, endpoint,
     input_tokens, output_tokens, cached_input_tokens, cost, latency_ms, ttft_ms, status, error_class, created_at)
   SELECT u.request_id, u.tenant_id, u.user_id, u.api_key_id, u.provider, u.model, u.endpoint, u.input_tokens,
     u.output_tokens, u.cached_input_tokens, u.cost, u.latency_ms, u.ttft_ms, u.status, u.error_class,
     to_timestamp(u.at_ms / 1000.0)
   FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[],
     $8::integer[], $9::integer[], $10::integer[], $11::bigint[], $12::integer[], $13::integer[], $14::text[],
     $15::text[], $16::float8[])
     AS u(request_id, tenant_id, user_id, api_key_id, provider, model, endpoint, input_tokens, output_tokens,
       cached_input_tokens, cost, latency_ms, ttft_ms, status, error_class, at_ms)
   RETURNING tenant_id, user_id, api_key_id, provider, model, endpoint, status, input_tokens, output_tokens,
     cached_input_tokens, cost, latency_ms, ttft_ms, created_at
 )`;

type ArrayElement = string | number | null;

/**
 * A column's values as a Postgres array literal: strings quoted (`"` and `\` escaped only when
 * present), numbers as their digits, nulls as NULL; Postgres casts the elements to the column's
 * type. pg writes the literal of a JavaScript array itself at several times the CPU (a type check
 * and two regular-expression replaces per element, every element quoted): with the flush taking
 * ~50 calls' records it was ~22,000 of a plain call's ~650,000 instructions, this ~6,000
 * (callgrind, the bench's c1 loop).
 */
export function arrayLiteral(values: readonly ArrayElement[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'number') out += String(v);
    else out += `"${v.includes('"') || v.includes('\\') ? v.replace(/["\\]/g, '\\$&') : v}"`;
  }
  return `${out}}`;
}

@Injectable()
export class UsageRepository {
  constructor(private readonly db: DataSource) {}

  /** Inserts up to MAX_USAGE_BATCH rows in one statement. */
  async insertMany(rows: UsageRow[]): Promise<void> {
    if (rows.length === 0) return;
    const n = rows.length;
    const columns: ArrayElement[][] = Array.from({ length: 16 }, () => new Array<ArrayElement>(n));
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      columns[0]![i] = r.requestId;
      columns[1]![i] = r.tenantId;
      columns[2]![i] = r.userId;
      columns[3]![i] = r.apiKeyId;
      columns[4]![i] = r.provider;
      columns[5]![i] = r.model;
      columns[6]![i] = r.endpoint;
      columns[7]![i] = r.inputTokens;
      columns[8]![i] = r.outputTokens;
      columns[9]![i] = r.cachedInputTokens;
      columns[10]![i] = r.cost.toString();
      columns[11]![i] = r.latencyMs;
      columns[12]![i] = r.ttftMs;
      columns[13]![i] = r.status;
      columns[14]![i] = r.errorClass;
      // Milliseconds since the epoch: V8's toISOString cost ~7,800 instructions a record.
      columns[15]![i] = r.at.getTime();
    }
    // The records and their daily rollups in one statement: the rollups never disagree with the
    // records, whichever instance wrote them. Rollup keys in a fixed order, so two instances
    // adding to the same rows lock them in the same order.
    await this.db.query(`${INSERT_USAGE} ${ROLLUP_INSERT}`, columns.map(arrayLiteral));
  }

  async aggregate(
    scope: TenantScope,
    groups: UsageGroup[],
    filter: UsageFilter,
    limit: number,
    source: UsageSource = 'auto',
  ): Promise<{ rows: UsageAggregateRow[]; totals: Omit<UsageAggregateRow, 'group'>; truncated: boolean }> {
    const { sql, params } = this.aggregateQuery(scope, groups, filter, limit, source);
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

  /** The statement `aggregate` runs, with its parameters (the scale test EXPLAINs it). */
  aggregateQuery(
    scope: TenantScope,
    groups: UsageGroup[],
    filter: UsageFilter,
    limit: number,
    source: UsageSource = 'auto',
  ): { sql: string; params: unknown[] } {
    return aggregateQuery(scope, groups, filter, limit, source);
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

/**
 * The SQL of `UsageRepository.aggregate`. Two inputs, aggregated the same way: the daily rollups of the whole UTC days (one
 * row per day and dimensions, with its latency histogram in two arrays), and the records of the
 * rest, first summed per group, status and latency step. The scalar sums are added up per group
 * over those rows; the histograms are unnested to (group, step, calls) and added up per step, so
 * the work follows rollup rows x steps used, never calls. Both inputs give the same answer.
 */
function aggregateQuery(
  scope: TenantScope,
  groups: UsageGroup[],
  filter: UsageFilter,
  limit: number,
  source: UsageSource = 'auto',
): { sql: string; params: unknown[] } {
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

  const { from, to } = filter;
  const firstDay = new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS);
  const lastDay = new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS);
  const rollupFits = !groups.includes('hour') && firstDay < lastDay;
  const useRollup =
    source === 'rollup'
      ? rollupFits
      : source === 'auto' && rollupFits && to.getTime() - from.getTime() > DAY_MS;
  // Time ranges read from the records: the partial days at either end, or everything.
  const rawRanges: Array<[Date, Date]> = useRollup
    ? [
        ...(from < firstDay ? [[from, firstDay] as [Date, Date]] : []),
        ...(lastDay < to ? [[lastDay, to] as [Date, Date]] : []),
      ]
    : [[from, to]];

  const g = groups.map((_, i) => `g${i}`);
  // The group columns, ready to precede others in a select list.
  const gs = g.map((c) => `${c}, `).join('');
  const selectGroups = (side: 'raw' | 'rollup') =>
    groups.map((group, i) => `${USAGE_GROUPS[group][side]} AS g${i}, `).join('');

  const ctes: string[] = [];
  const scalarInputs: string[] = [];
  const histogramInputs: string[] = [];
  const sumColumns = 'n, inp, outp, cached, cost, lat, tt, tc';
  if (useRollup) {
    // Read twice (sums, histograms): inlined, so each reads only the columns it needs.
    ctes.push(`roll AS NOT MATERIALIZED (
        SELECT ${selectGroups('rollup')}status, requests AS n, input_tokens AS inp, output_tokens AS outp,
               cached_input_tokens AS cached, cost, latency_ms_sum AS lat, ttft_ms_sum AS tt, ttft_count AS tc,
               latency_buckets, latency_counts
          FROM usage_daily
         WHERE ${[`day >= ${param(isoDay(firstDay))}::date`, `day < ${param(isoDay(lastDay))}::date`, ...filters].join(' AND ')})`);
    scalarInputs.push(`SELECT ${gs}status, ${sumColumns} FROM roll`);
    histogramInputs.push(
      `SELECT ${gs}unnest(latency_buckets) AS bucket, unnest(latency_counts) AS n FROM roll`,
    );
  }
  if (rawRanges.length > 0) {
    const ranges = rawRanges
      .map(([a, b]) => `(created_at >= ${param(a.toISOString())} AND created_at < ${param(b.toISOString())})`)
      .join(' OR ');
    ctes.push(`raw AS (
        SELECT ${selectGroups('raw')}status, usage_latency_bucket(latency_ms) AS bucket, count(*) AS n,
               sum(input_tokens) AS inp, sum(output_tokens) AS outp, sum(cached_input_tokens) AS cached,
               sum(cost) AS cost, sum(latency_ms) AS lat, coalesce(sum(ttft_ms), 0) AS tt, count(ttft_ms) AS tc
          FROM usage_records
         WHERE ${[`(${ranges})`, ...filters].join(' AND ')}
         GROUP BY ${[...g, 'status', 'bucket'].join(', ')})`);
    scalarInputs.push(`SELECT ${gs}status, ${sumColumns} FROM raw`);
    histogramInputs.push(`SELECT ${gs}bucket, n FROM raw`);
  }
  const groupBy = (extra: string[] = []) =>
    [...g, ...extra].length ? `GROUP BY ${[...g, ...extra].join(', ')}` : '';
  const addUp = `sum(n) AS n, sum(err) AS err, sum(inp) AS inp, sum(outp) AS outp, sum(cached) AS cached, sum(cost) AS cost,
     sum(lat) AS lat, sum(tt) AS tt, sum(tc) AS tc`;
  // Per group: the sums (s) and the calls per latency step (h).
  ctes.push(`s AS (
        SELECT ${gs}${addUp}
          FROM (SELECT *, CASE WHEN status <> 'ok' THEN n ELSE 0 END AS err
                  FROM (${scalarInputs.join(' UNION ALL ')}) i) x
         ${groupBy()}
        HAVING count(*) > 0)`);
  ctes.push(`h AS (
        SELECT ${gs}bucket, sum(n) AS n FROM (${histogramInputs.join(' UNION ALL ')}) x
         ${groupBy(['bucket'])})`);
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
  const percentiles = (name: string, hist: string, partition: string[]) => {
    const over = partition.length ? `PARTITION BY ${partition.join(', ')} ` : '';
    return `${name} AS (
        SELECT ${partition.length ? `${partition.join(', ')}, ` : ''}${percentile('0.5')} AS p50, ${percentile('0.95')} AS p95
          FROM (SELECT ${partition.length ? `${partition.join(', ')}, ` : ''}bucket,
                       (sum(n) OVER (${over}ORDER BY bucket))::float8 AS upto,
                       (sum(n) OVER (${over.trim()}))::float8 AS total
                  FROM ${hist}) c
         ${partition.length ? `GROUP BY ${partition.join(', ')}` : ''})`;
  };
  const columns = `n::int AS requests, coalesce(err, 0)::int AS errors, inp::text AS input_tokens,
         outp::text AS output_tokens, cached::text AS cached_input_tokens, cost::text AS cost,
         round(lat::numeric / n)::int AS avg_latency_ms, p50 AS p50_latency_ms, p95 AS p95_latency_ms,
         round(tt::numeric / nullif(tc, 0))::int AS avg_ttft_ms`;
  const output = groups.map((group, i) => `${USAGE_GROUPS[group].out(`g${i}`)} AS g${i}`);
  const selects: string[] = [];
  if (g.length) {
    ctes.push(percentiles('p', 'h', g));
    // The totals add up the groups.
    ctes.push(`st AS (SELECT ${addUp} FROM s HAVING count(*) > 0)`);
    ctes.push(`ht AS (SELECT bucket, sum(n) AS n FROM h GROUP BY bucket)`);
    ctes.push(percentiles('pt', 'ht', []));
    selects.push(
      `SELECT ${output.join(', ')}, FALSE AS is_total, ${columns} FROM s JOIN p USING (${g.join(', ')})`,
    );
    selects.push(
      `SELECT ${g.map((c) => `NULL AS ${c}`).join(', ')}, TRUE AS is_total, ${columns} FROM st CROSS JOIN pt`,
    );
  } else {
    ctes.push(percentiles('p', 'h', []));
    selects.push(`SELECT TRUE AS is_total, ${columns} FROM s CROSS JOIN p`);
  }
  const sql = `
      WITH ${ctes.join(',\n      ')}
      ${selects.join('\n      UNION ALL\n      ')}
       ORDER BY is_total DESC${g.length ? `, ${g.join(', ')}` : ''}
       LIMIT ${param(limit + 2)}`;
  return { sql, params };
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

/**
 * Adds the rows of the CTE `ins` (just inserted into usage_records) to their daily rollups: the
 * sums added, the latency histograms merged step by step.
 */
const ROLLUP_INSERT = `
  INSERT INTO usage_daily (day, tenant_id, user_id, api_key_id, provider, model, endpoint, status, requests,
    input_tokens, output_tokens, cached_input_tokens, cost, latency_ms_sum, ttft_ms_sum, ttft_count,
    latency_buckets, latency_counts)
  SELECT day, tenant_id, user_id, api_key_id, provider, model, endpoint, status, sum(n), sum(inp), sum(outp),
         sum(cached), sum(cost), sum(lat), sum(tt), sum(tc), array_agg(bucket ORDER BY bucket),
         array_agg(n ORDER BY bucket)
    FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, tenant_id, user_id,
                 coalesce(api_key_id, '${NO_API_KEY}'::uuid) AS api_key_id, provider, model, endpoint, status,
                 usage_latency_bucket(latency_ms) AS bucket, count(*) AS n, sum(input_tokens) AS inp,
                 sum(output_tokens) AS outp, sum(cached_input_tokens) AS cached, sum(cost) AS cost,
                 sum(latency_ms) AS lat, coalesce(sum(ttft_ms), 0) AS tt, count(ttft_ms) AS tc
            FROM ins
           GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9) steps
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
   ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
  ON CONFLICT (day, tenant_id, user_id, api_key_id, provider, model, endpoint, status) DO UPDATE SET
    requests = usage_daily.requests + EXCLUDED.requests,
    input_tokens = usage_daily.input_tokens + EXCLUDED.input_tokens,
    output_tokens = usage_daily.output_tokens + EXCLUDED.output_tokens,
    cached_input_tokens = usage_daily.cached_input_tokens + EXCLUDED.cached_input_tokens,
    cost = usage_daily.cost + EXCLUDED.cost,
    latency_ms_sum = usage_daily.latency_ms_sum + EXCLUDED.latency_ms_sum,
    ttft_ms_sum = usage_daily.ttft_ms_sum + EXCLUDED.ttft_ms_sum,
    ttft_count = usage_daily.ttft_count + EXCLUDED.ttft_count,
    (latency_buckets, latency_counts) = (
      SELECT array_agg(bucket ORDER BY bucket), array_agg(n ORDER BY bucket)
        FROM (SELECT bucket, sum(n)::bigint AS n
                FROM unnest(usage_daily.latency_buckets || EXCLUDED.latency_buckets,
                            usage_daily.latency_counts || EXCLUDED.latency_counts) AS u(bucket, n)
               GROUP BY bucket) merged)`;
