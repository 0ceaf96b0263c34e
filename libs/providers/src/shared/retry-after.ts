/**
 * Header access that works for fetch `Headers` and for plain records, such as Node's and undici's
 * (lower-case names, a repeated header as an array).
 */
export type HeaderSource =
  Headers | Record<string, string | readonly string[] | undefined> | null | undefined;

/** One header's value (the first, when repeated), whatever the name's case in a plain record. */
export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  // Any fetch implementation's Headers (Node's global one, undici's, an SDK's): they have get().
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | readonly string[] | undefined>;
  let value = record[name];
  if (value === undefined) {
    const key = Object.keys(record).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : record[key];
  }
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * How long the upstream asked us to wait, in ms: `retry-after-ms` (OpenAI), then `Retry-After` as
 * delta-seconds or as an HTTP date. Undefined when absent or unparseable.
 */
export function retryAfterMs(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const ms = headerValue(headers, 'retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.round(Number(ms));
  const value = headerValue(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A protobuf Duration in its JSON form ("30s", "1.5s"), as Google's RetryInfo carries it, in ms. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}
