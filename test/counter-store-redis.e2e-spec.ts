import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppConfig, CounterStore, RedisService, VIEW_FRESH_MS } from '@switchyard/core';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The rate-limit counters on the real Redis (issue 20): every call runs its script by SHA1
 * (EVALSHA), so no call sends the script's text or makes Redis hash it; a server that lost its
 * scripts (restarted, SCRIPT FLUSH) gets the text again and the counts go on.
 */
describe('counter store on Redis: scripts by SHA', () => {
  let redis: RedisService;
  let counters: CounterStore;
  const sent: string[] = [];
  beforeAll(() => {
    redis = new RedisService({ redisUrl: REDIS_URL } as AppConfig);
    counters = new CounterStore(redis);
    // Watch (not replace) what the client sends.
    const client = redis.client!;
    const send = client.sendCommand.bind(client);
    client.sendCommand = (command: { name: string }, stream?: unknown) => {
      sent.push(command.name);
      return send(command as never, stream as never);
    };
  });
  afterAll(async () => {
    await redis?.onApplicationShutdown();
  });

  it('counts by EVALSHA, and loads the script again after the server lost it', async () => {
    const key = `test:${randomUUID()}`;
    const other = `test:${randomUUID()}`;
    await counters.increment(key, 60_000); // may load the script (EVAL) on a server without it
    sent.length = 0;
    expect(await counters.increment(key, 60_000)).toMatchObject({ count: 2 });
    expect(await counters.increment(key, 60_000, 5)).toMatchObject({ count: 7 });
    const [mine, theirs] = await counters.incrementAndPeek(other, 60_000, key);
    expect(mine.count).toBe(1);
    expect(theirs.count).toBe(7);
    expect(await counters.incrementAndPeek(other, 60_000, key)).toMatchObject([{ count: 2 }, { count: 7 }]);
    expect(sent.filter((name) => name !== 'evalsha')).toEqual([]);
    expect(sent.filter((name) => name === 'evalsha').length).toBeGreaterThanOrEqual(3);

    await redis.client!.script('FLUSH');
    sent.length = 0;
    const after = await counters.increment(key, 60_000);
    expect(after.count).toBe(8);
    expect(after.ttlMs).toBeGreaterThan(50_000);
    // The first try is refused (NOSCRIPT); ioredis sends the text and goes on.
    expect(sent[0]).toBe('evalsha');
    sent.length = 0;
    expect(await counters.increment(key, 60_000)).toMatchObject({ count: 9 });
    expect(sent).toEqual(['evalsha']);
    await redis.client!.del(`sy:c:${key}`, `sy:c:${other}`);
  });
});

/**
 * The rate-limit check on Redis (decision 0029): a caller far below its limits is answered from
 * this instance's view without waiting for Redis; past half a limit every call waits for Redis's
 * count, so two instances together still admit exactly the limit. Redis is paused (CLIENT PAUSE)
 * to tell a call that waited from one that did not.
 */
describe('counter store on Redis: admit', () => {
  const stores: Array<{ redis: RedisService; counters: CounterStore }> = [];
  let admin: RedisService;
  const open = () => {
    const redis = new RedisService({ redisUrl: REDIS_URL } as AppConfig);
    const store = { redis, counters: new CounterStore(redis) };
    stores.push(store);
    return store.counters;
  };
  /** Whether `p` settles within 150 ms (Redis is paused for longer). */
  const settlesSoon = (p: Promise<unknown>) =>
    Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 150))]);
  beforeAll(() => {
    admin = new RedisService({ redisUrl: REDIS_URL } as AppConfig);
  });
  afterAll(async () => {
    await Promise.all([admin, ...stores.map((s) => s.redis)].map((r) => r.onApplicationShutdown()));
  });

  it('answers below half of both limits without waiting, and waits for Redis past it', async () => {
    const counters = open();
    const key = `test:${randomUUID()}`;
    const tokens = `test:${randomUUID()}`;
    const other = { key: tokens, limit: 1_000 };
    await counters.increment(tokens, 60_000, 100);
    // The first check has no view yet: it waits, and leaves a view of both counters.
    expect(await counters.admit(key, 60_000, 10, other)).toMatchObject([{ count: 1 }, { count: 100 }]);
    await admin.client!.call('CLIENT', 'PAUSE', '600', 'ALL');
    const quick = [2, 3, 4, 5].map(() => counters.admit(key, 60_000, 10, other));
    for (const p of quick) expect(await settlesSoon(p)).toBe(true);
    expect((await Promise.all(quick)).map(([c]) => c.count)).toEqual([2, 3, 4, 5]);
    // A sixth call would pass half the limit (6 of 10): it waits for Redis's own count.
    const sixth = counters.admit(key, 60_000, 10, other);
    expect(await settlesSoon(sixth)).toBe(false);
    const [counted, read] = await sixth;
    expect(counted.count).toBe(6);
    expect(read!.count).toBe(100);
    // Every quick call was counted in Redis too.
    expect(await admin.client!.get(`sy:c:${key}`)).toBe('6');

    // Tokens past half their limit (counted at settlement) make the next check wait as well.
    await counters.increment(tokens, 60_000, 450);
    await admin.client!.call('CLIENT', 'PAUSE', '400', 'ALL');
    const heavy = counters.admit(key, 60_000, 100, other);
    expect(await settlesSoon(heavy)).toBe(false);
    expect(await heavy).toMatchObject([{ count: 7 }, { count: 550 }]);
    await admin.client!.del(`sy:c:${key}`, `sy:c:${tokens}`);
  });

  it('admits exactly the limit across two instances taking turns', async () => {
    const a = open();
    const b = open();
    const key = `test:${randomUUID()}`;
    const admitted: boolean[] = [];
    for (let i = 0; i < 20; i++) {
      const [{ count }] = await (i % 2 === 0 ? a : b).admit(key, 60_000, 10);
      admitted.push(count <= 10);
    }
    expect(admitted.filter(Boolean)).toHaveLength(10);
    expect(admitted.slice(10)).toEqual(Array(10).fill(false));
    expect(await admin.client!.get(`sy:c:${key}`)).toBe('20');
    await admin.client!.del(`sy:c:${key}`);
  });

  it('waits for Redis again once its view is older than a second', async () => {
    const counters = open();
    const key = `test:${randomUUID()}`;
    await counters.admit(key, 60_000, 100);
    await new Promise((r) => setTimeout(r, VIEW_FRESH_MS + 50));
    await admin.client!.call('CLIENT', 'PAUSE', '400', 'ALL');
    const stale = counters.admit(key, 60_000, 100);
    expect(await settlesSoon(stale)).toBe(false);
    expect((await stale)[0].count).toBe(2);
    await admin.client!.del(`sy:c:${key}`);
  });
});
