import { LRUCache } from 'lru-cache';

/**
 * An LRU cache of at most `entries` entries whose storage grows with use. lru-cache's `max`
 * allocates arrays for every entry up front (a 100,000-entry cache is ~3 MB of heap before its
 * first entry); counting entries as size 1 against `maxSize` keeps the same bound without that.
 *
 * With a TTL, entries' ages are read from `performance.now()` on every look-up (`ttlResolution:
 * 0`). lru-cache's default (1 ms) caches the clock and clears it with a 1 ms timer, one per cache
 * per millisecond of use: on the hot path, three timers made (and fired) per call at one
 * connection, for a clock read that costs less (docs/performance.md, tenth session).
 */
export function boundedLru<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(
  entries: number,
  options: { ttl?: number; ttlAutopurge?: boolean } = {},
): LRUCache<K, V> {
  return new LRUCache<K, V>({ maxSize: entries, sizeCalculation: () => 1, ttlResolution: 0, ...options });
}
