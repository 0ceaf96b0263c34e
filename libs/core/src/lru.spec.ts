import { createHook } from 'node:async_hooks';
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

  it('looks entries up with a TTL without starting a timer (lru-cache caches its clock behind one by default)', async () => {
    const cache = boundedLru<string, number>(10, { ttl: 60_000 });
    cache.set('a', 1);
    // Past lru-cache's default 1 ms clock cache, so a look-up would read the clock again.
    await new Promise((r) => setTimeout(r, 5));
    let timers = 0;
    const hook = createHook({
      init(_id, type) {
        if (type === 'Timeout') timers++;
      },
    }).enable();
    try {
      for (let i = 0; i < 3; i++) {
        expect(cache.get('a')).toBe(1);
        expect(cache.has('a')).toBe(true);
      }
    } finally {
      hook.disable();
    }
    expect(timers).toBe(0);
  });
});
