import { describe, expect, it } from '@jest/globals';
import { boundedLru } from './lru.js';

describe('boundedLru', () => {
  it('keeps at most `entries` entries, evicting the least recently used', () => {
    const cache = boundedLru<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c'].entries()) cache.set(k, i);
    cache.get('a');
    cache.set('d', 3);
    expect([...cache.keys()].sort()).toEqual(['a', 'c', 'd']);
    expect(cache.size).toBe(3);
  });

  it('expires entries after their ttl', async () => {
    const cache = boundedLru<string, number>(10, { ttl: 20 });
    cache.set('a', 1);
    expect(cache.get('a')).toBe(1);
    await new Promise((r) => setTimeout(r, 40));
    expect(cache.get('a')).toBeUndefined();
  });
});
