import type { LRUCache } from 'lru-cache';
import { boundedLru } from './lru.js';

/**
 * Concurrent loads of one key share a single promise. A burst of calls that all miss the same
 * cache entry (the first calls after a quiet spell, when every TTL has run out) costs one
 * database read, not one read and one pooled connection each (docs/performance.md, eleventh
 * session).
 */
export class SingleFlight<K, V> {
  private readonly pending = new Map<K, Promise<V>>();

  /** `load()`'s result, shared with every caller that asks for `key` while it runs. */
  run(key: K, load: () => Promise<V>): Promise<V> {
    const running = this.pending.get(key);
    if (running) return running;
    // A load that throws before returning its promise rejects like one that fails later.
    const started = new Promise<V>((resolve) => resolve(load()));
    const shared = started.finally(() => {
      if (this.pending.get(key) === shared) this.pending.delete(key);
    });
    this.pending.set(key, shared);
    return shared;
  }

  /** Callers from now on start a fresh load; those already waiting keep theirs. */
  forget(key: K): void {
    this.pending.delete(key);
  }

  /** `forget` for every key. */
  clear(): void {
    this.pending.clear();
  }

  /** How many loads are running (for tests and metrics). */
  get size(): number {
    return this.pending.size;
  }
}

/**
 * A bounded TTL cache that loads what it misses: concurrent misses of one key share one load
 * (`SingleFlight`), and a load that an invalidation (`delete`, `deleteWhere`, `clear`) overtook
 * answers the callers already waiting but is not kept, so a row read just before a revocation
 * cannot outlive it in the cache. A load's `null` (nothing there) is not kept either.
 */
export class LoadingCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  private readonly entries: LRUCache<K, V>;
  private readonly loads = new SingleFlight<K, V | null>();
  /** Bumped by every invalidation: a load started before one does not fill the cache. */
  private generation = 0;

  /** `ttlMs` 0: entries do not expire (only evicted, or invalidated). */
  constructor(entries: number, ttlMs: number) {
    this.entries = boundedLru<K, V>(entries, { ttl: ttlMs, ttlAutopurge: false });
  }

  /**
   * The cached value, without loading (a look-up that counts as a use, unlike lru-cache's
   * `peek`). Hot paths call `cached(k) ?? (await get(k, load))`: a hit then makes no closure and
   * waits for nothing.
   */
  cached(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** The cached value, else `load()`'s (one load for all concurrent callers). */
  get(key: K, load: () => Promise<V | null>): V | Promise<V | null> {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    return this.loads.run(key, () => this.fill(key, load));
  }

  private async fill(key: K, load: () => Promise<V | null>): Promise<V | null> {
    const generation = this.generation;
    const value = await load();
    if (value !== null && generation === this.generation) this.entries.set(key, value);
    return value;
  }

  delete(key: K): void {
    this.generation++;
    this.entries.delete(key);
    this.loads.forget(key);
  }

  /** Drops the entries `drop` picks; loads running now are not kept (any of them may match). */
  deleteWhere(drop: (value: V) => boolean): void {
    this.generation++;
    for (const [key, value] of this.entries.entries()) if (drop(value)) this.entries.delete(key);
    this.loads.clear();
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loads.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
