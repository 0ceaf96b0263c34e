import { createHash } from 'node:crypto';

/**
 * Request fields that do not change the answer: how it is delivered (`stream`,
 * `stream_options`), who asked (`user`, `metadata`, `safety_identifier`), provider-side storage
 * and prompt-cache routing hints (`store`, `prompt_cache_key`), Switchyard's mid-stream failover
 * switch, and the model names (the key takes the resolved model instead, so an alias and the id
 * it names share entries).
 */
const IGNORED = new Set([
  'stream',
  'stream_options',
  'user',
  'metadata',
  'safety_identifier',
  'store',
  'prompt_cache_key',
  'stream_failover',
  'model',
  'models',
  'route',
]);

/** JSON with every object's keys in sorted order, so equal requests give equal text. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : stableJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/**
 * The cache key of a chat call: a SHA-256 over the tenant, what the call resolved to (a route's
 * name, else the planned model ids in order) and the request without the fields in `IGNORED`
 * (a top-level null counts as absent, `n: 1` as no `n`). Everything else that can change the
 * answer (messages, temperature, tools, response_format, seed, max_tokens...) is in it.
 */
export function cacheKey(
  tenantId: string,
  resolved: string,
  body: Readonly<Record<string, unknown>>,
): string {
  const request: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (!IGNORED.has(field) && value !== null && value !== undefined) request[field] = value;
  }
  if (request.n === 1) delete request.n;
  const text = stableJson({ v: 1, tenant: tenantId, model: resolved, request });
  return createHash('sha256').update(text).digest('base64url');
}
