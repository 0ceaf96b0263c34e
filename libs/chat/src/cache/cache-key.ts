import { createHash, type Hash } from 'node:crypto';

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

/** Where stable JSON goes: a string being built, or a hash fed as it is written. */
interface JsonSink {
  write(text: string): void;
}

/** Small pieces are gathered before they reach the hash; a large one goes through as it is. */
const HASH_PIECE_CHARS = 64 * 1024;

/** Feeds a hash in pieces of at most about HASH_PIECE_CHARS (a large string goes through whole). */
class HashSink implements JsonSink {
  private pending = '';
  constructor(private readonly hash: Hash) {}
  write(text: string): void {
    if (text.length >= HASH_PIECE_CHARS) {
      this.flush();
      this.hash.update(text);
      return;
    }
    this.pending += text;
    if (this.pending.length >= HASH_PIECE_CHARS) this.flush();
  }
  flush(): void {
    if (this.pending) this.hash.update(this.pending);
    this.pending = '';
  }
}

/**
 * Writes `value` as JSON with every object's keys in sorted order, so equal requests give equal
 * text, one piece at a time: a large body is never copied whole at each level of its nesting
 * (building it as one string cost its size times its depth; a 15 MB body ~85 MB).
 */
function writeStable(sink: JsonSink, value: unknown): void {
  if (value === null || typeof value !== 'object') {
    sink.write(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    sink.write('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) sink.write(',');
      const item: unknown = value[i];
      if (item === undefined) sink.write('null');
      else writeStable(sink, item);
    }
    sink.write(']');
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  sink.write('{');
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    sink.write(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`);
    writeStable(sink, v);
  }
  sink.write('}');
}

/** JSON with every object's keys in sorted order, so equal requests give equal text. */
export function stableJson(value: unknown): string {
  let text = '';
  writeStable({ write: (piece) => (text += piece) }, value);
  return text;
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
  // The same digest as over stableJson's text (keys stored before stay valid), fed as written.
  const hash = createHash('sha256');
  const sink = new HashSink(hash);
  writeStable(sink, { v: 1, tenant: tenantId, model: resolved, request });
  sink.flush();
  return hash.digest('base64url');
}
