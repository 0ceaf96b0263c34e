import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/**
 * Where cached answers live, as JSON text. Both stores expire entries by their own TTL; a store
 * that fails answers as a miss (the call then goes upstream), it never fails the call.
 */
export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

/** One process's store: an LRU bounded by the bytes of its entries (their JSON text, as UTF-16 counts it). */
export class MemoryCacheStore implements CacheStore {
  private readonly entries: LRUCache<string, string>;

  constructor(maxBytes: number) {
    this.entries = new LRUCache<string, string>({
      maxSize: maxBytes,
      // Key and value: a JS string holds about two bytes a character.
      sizeCalculation: (value, key) => Math.max(1, 2 * (value.length + key.length)),
      ttlAutopurge: false,
      allowStale: false,
      // Read the clock on each look-up rather than cache it behind a 1 ms timer (see boundedLru).
      ttlResolution: 0,
    });
  }

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.entries.get(key));
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, value, { ttl: ttlMs });
    return Promise.resolve();
  }

  /** Entries held (tests, diagnostics). */
  get size(): number {
    return this.entries.size;
  }
}

/** Every instance's store: Redis (REDIS_URL), one string key per entry with its own expiry. */
export class RedisCacheStore implements CacheStore {
  constructor(
    private readonly client: Redis,
    private readonly prefix = 'sy:rc:',
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(this.prefix + key, value, 'PX', ttlMs);
  }
}
