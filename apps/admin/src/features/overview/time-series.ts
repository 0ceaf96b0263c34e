import type { UsageGroup } from '../../api/usage';

export type Range = '24h' | '7d' | '30d';

export const RANGES: Record<Range, { hours: number; bucket: 'hour' | 'day'; label: string }> = {
  '24h': { hours: 24, bucket: 'hour', label: '24 h' },
  '7d': { hours: 24 * 7, bucket: 'day', label: '7 d' },
  '30d': { hours: 24 * 30, bucket: 'day', label: '30 d' },
};

export interface Point {
  bucket: string;
  label: string;
  spend: number;
  requests: number;
  tokens: number;
  errorRate: number;
}

/** The start of the range, aligned to its bucket so the first bar is a whole hour or day. */
export function rangeStart(range: Range, now = new Date()): Date {
  const { hours, bucket } = RANGES[range];
  const start = new Date(now.getTime() - (hours - 1) * 3_600_000);
  if (bucket === 'hour') start.setUTCMinutes(0, 0, 0);
  else {
    start.setTime(now.getTime() - (hours / 24 - 1) * 86_400_000);
    start.setUTCHours(0, 0, 0, 0);
  }
  return start;
}

function bucketKey(d: Date, bucket: 'hour' | 'day'): string {
  const iso = d.toISOString();
  return bucket === 'hour' ? `${iso.slice(0, 13)}:00:00Z` : iso.slice(0, 10);
}

/** Every bucket of the range, with zeros where nothing was called (a chart without holes). */
export function toSeries(rows: UsageGroup[], range: Range, now = new Date()): Point[] {
  const { bucket } = RANGES[range];
  const byKey = new Map(rows.map((r) => [(bucket === 'hour' ? r.hour : r.day) ?? '', r]));
  const points: Point[] = [];
  const step = bucket === 'hour' ? 3_600_000 : 86_400_000;
  for (let t = rangeStart(range, now).getTime(); t <= now.getTime(); t += step) {
    const d = new Date(t);
    const key = bucketKey(d, bucket);
    const row = byKey.get(key);
    points.push({
      bucket: key,
      label:
        bucket === 'hour'
          ? `${String(d.getUTCHours()).padStart(2, '0')}:00`
          : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }),
      spend: row ? Number(row.cost) : 0,
      requests: row?.requests ?? 0,
      tokens: row ? Number(row.input_tokens) + Number(row.output_tokens) : 0,
      errorRate: row && row.requests > 0 ? Math.round((row.errors / row.requests) * 1000) / 10 : 0,
    });
  }
  return points;
}
