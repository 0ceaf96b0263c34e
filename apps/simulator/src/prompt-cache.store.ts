import { createHash } from 'node:crypto';
import { TOKENS_PER_MESSAGE, countTokens } from './tokens.util.js';

/** How long a cached prefix lives (Anthropic's two TTLs). */
export type CacheTtl = '5m' | '1h';

const TTL_MS: Record<CacheTtl, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/** A cache breakpoint: the prompt piece (system first, then messages) that ends a cached prefix. */
export interface CacheBreakpoint {
  index: number;
  ttl: CacheTtl;
}

/** What one request read from and wrote to the cache, in prompt tokens. */
export interface CacheUse {
  read: number;
  written5m: number;
  written1h: number;
}

export const NO_CACHE_USE: CacheUse = { read: 0, written5m: 0, written1h: 0 };

/**
 * Anthropic-style prompt caching, at message granularity: a breakpoint on any block of a prompt
 * piece caches the prompt up to the end of that piece. The longest prefix already cached (and
 * unexpired) is read; each later breakpoint's segment is written with its own TTL. A hit renews
 * the prefixes it read. A prefix counts `tokens(text) + 3` per piece, as the prompt formula does.
 * Entries are keyed by model and prefix text; the oldest go first past `capacity`.
 */
export class PromptCacheStore {
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  use(model: string, pieces: readonly string[], breakpoints: readonly CacheBreakpoint[]): CacheUse {
    const points = breakpoints.filter((b) => b.index >= 0 && b.index < pieces.length);
    if (points.length === 0) return NO_CACHE_USE;
    const ends: number[] = [];
    let total = 0;
    for (const text of pieces) ends.push((total += countTokens(text) + TOKENS_PER_MESSAGE));
    // The key of a breakpoint hashes everything up to it: one running hash, read at each
    // breakpoint (hashing each prefix anew cost breakpoints x prompt).
    const keys = new Map<number, string>();
    const wanted = new Set(points.map((p) => p.index));
    const hash = createHash('sha256').update(`${model}\0`);
    for (let i = 0; i < pieces.length && keys.size < wanted.size; i++) {
      hash.update(`${JSON.stringify(pieces[i])}\0`);
      if (wanted.has(i)) keys.set(i, hash.copy().digest('base64url'));
    }
    const key = (index: number) => keys.get(index)!;
    const now = this.now();
    let hit = -1;
    for (let i = points.length - 1; i >= 0; i--) {
      const expires = this.entries.get(key(points[i]!.index));
      if (expires !== undefined && expires > now) {
        hit = i;
        break;
      }
    }
    const use: CacheUse = { read: hit >= 0 ? ends[points[hit]!.index]! : 0, written5m: 0, written1h: 0 };
    for (let i = 0; i <= hit; i++) this.put(key(points[i]!.index), now + TTL_MS[points[i]!.ttl]);
    let cached = use.read;
    for (let i = hit + 1; i < points.length; i++) {
      const point = points[i]!;
      const end = ends[point.index]!;
      if (end <= cached) continue;
      if (point.ttl === '1h') use.written1h += end - cached;
      else use.written5m += end - cached;
      cached = end;
      this.put(key(point.index), now + TTL_MS[point.ttl]);
    }
    return use;
  }

  clear(): void {
    this.entries.clear();
  }

  private put(key: string, expires: number): void {
    this.entries.delete(key);
    this.entries.set(key, expires);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
