import { LRUCache } from 'lru-cache';

/**
 * An LRU cache of at most `entries` entries whose storage grows with use. lru-cache's `max`
 * allocates arrays for every entry up front (a 100,000-entry cache is ~3 MB of heap before its
 * first entry); counting entries as size 1 against `maxSize` keeps the same bound without that.
 */
export function boundedLru<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(
  entries: number,
  options: { ttl?: number; ttlAutopurge?: boolean } = {},
): LRUCache<K, V> {
  return new LRUCache<K, V>({ maxSize: entries, sizeCalculation: () => 1, ...options });
}
