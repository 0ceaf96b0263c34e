import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AppConfig,
  CounterStore,
  FLUSH_MS,
  QUICK_MIN_LIMIT,
  RedisService,
  VIEW_FRESH_MS,
} from '@switchyard/core';

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
 * this instance's fresh view without waiting for Redis; past half a limit, with a stale view or a
 * small limit, every call waits for Redis's count. Redis is paused for writes (CLIENT PAUSE
 * WRITE, which holds the counter scripts) to tell a call that waited from one that did not, and
 * unpaused as soon as that is seen.
 */
describe('counter store on Redis: admit', () => {
  const stores: RedisService[] = [];
  let admin: RedisService;
  const open = (freshMs?: number) => {
    const redis = new RedisService({ redisUrl: REDIS_URL } as AppConfig);
    stores.push(redis);
    const counters = new CounterStore(redis);
    if (freshMs !== undefined) counters.freshMs = freshMs;
    return counters;
  };
  const pause = () => admin.client!.call('CLIENT', 'PAUSE', '5000', 'WRITE');
  const unpause = () => admin.client!.call('CLIENT', 'UNPAUSE');
  /** Whether `p` settles within 100 ms (Redis stays paused until the test unpauses it). */
  const settlesSoon = (p: Promise<unknown>) =>
    Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100))]);
  beforeAll(() => {
    admin = new RedisService({ redisUrl: REDIS_URL } as AppConfig);
  });
  afterEach(async () => {
    await unpause();
  });
  afterAll(async () => {
    await Promise.all([admin, ...stores].map((r) => r.onApplicationShutdown()));
  });

  it('answers below half of both limits without waiting, and waits for Redis past it', async () => {
    // A long freshness, so that a slow machine cannot make the view stale between the steps.
    const counters = open(60_000);
    const key = `test:${randomUUID()}`;
    const tokens = `test:${randomUUID()}`;
    const other = { key: tokens, limit: 1_000 };
    await counters.increment(tokens, 60_000, 100);
    // The first check has no view yet: it waits, and leaves a view of both counters.
    expect(await counters.admit(key, 60_000, 100, other)).toMatchObject([{ count: 1 }, { count: 100 }]);
    await pause();
    const quick = Array.from({ length: 49 }, () => counters.admit(key, 60_000, 100, other));
    for (const p of quick) expect(await settlesSoon(p)).toBe(true);
    expect((await Promise.all(quick)).map(([c]) => c.count)).toEqual(
      Array.from({ length: 49 }, (_, i) => i + 2),
    );
    // The 51st would pass half the limit (51 of 100): it waits for Redis's own count.
    const past = counters.admit(key, 60_000, 100, other);
    expect(await settlesSoon(past)).toBe(false);
    await unpause();
    expect(await past).toMatchObject([{ count: 51 }, { count: 100 }]);
    // Every quick call was counted in Redis too.
    expect(await admin.client!.get(`sy:c:${key}`)).toBe('51');

    // Tokens past half their limit (counted at settlement) make the next check wait as well.
    const next = `test:${randomUUID()}`;
    await counters.admit(next, 60_000, 100, other);
    await counters.increment(tokens, 60_000, 450);
    await pause();
    const heavy = counters.admit(next, 60_000, 100, other);
    expect(await settlesSoon(heavy)).toBe(false);
    await unpause();
    expect(await heavy).toMatchObject([{ count: 2 }, { count: 550 }]);
    await admin.client!.del(`sy:c:${key}`, `sy:c:${next}`, `sy:c:${tokens}`);
  });

  it('waits for Redis once its view is older than its freshness', async () => {
    const counters = open(50);
    const key = `test:${randomUUID()}`;
    await counters.admit(key, 60_000, 1_000);
    await new Promise((r) => setTimeout(r, 100));
    await pause();
    const stale = counters.admit(key, 60_000, 1_000);
    expect(await settlesSoon(stale)).toBe(false);
    await unpause();
    expect((await stale)[0].count).toBe(2);
    await admin.client!.del(`sy:c:${key}`);
  });

  it('checks a limit below QUICK_MIN_LIMIT on Redis every time, even with a fresh view', async () => {
    const counters = open(60_000);
    const key = `test:${randomUUID()}`;
    await counters.admit(key, 60_000, QUICK_MIN_LIMIT - 1);
    await pause();
    const small = counters.admit(key, 60_000, QUICK_MIN_LIMIT - 1);
    expect(await settlesSoon(small)).toBe(false);
    await unpause();
    expect((await small)[0].count).toBe(2);
    await admin.client!.del(`sy:c:${key}`);
  });

  it('sends what add holds back as one command per key within FLUSH_MS, and before a check that waits', async () => {
    const redis = new RedisService({ redisUrl: REDIS_URL } as AppConfig);
    stores.push(redis);
    const counters = new CounterStore(redis);
    const sent: string[] = [];
    const client = redis.client!;
    const send = client.sendCommand.bind(client);
    client.sendCommand = (command: { name: string }, stream?: unknown) => {
      sent.push(command.name);
      return send(command as never, stream as never);
    };
    const key = `test:${randomUUID()}`;
    const tokens = `test:${randomUUID()}`;
    await redis.ping(); // the connection's own setup commands go first
    sent.length = 0;
    for (const by of [10, 15, 5]) counters.add(tokens, 60_000, by);
    expect(sent).toEqual([]);
    await new Promise((r) => setTimeout(r, FLUSH_MS + 100));
    expect(sent).toEqual(['evalsha']);
    expect(await admin.client!.get(`sy:c:${tokens}`)).toBe('30');
    expect(await admin.client!.pttl(`sy:c:${tokens}`)).toBeGreaterThan(50_000);
    // A check that waits for Redis (RPM 10 always does) sends the held-back tokens first.
    counters.add(tokens, 60_000, 20);
    const [counted, read] = await counters.admit(key, 60_000, 10, { key: tokens, limit: 1_000 });
    expect(counted.count).toBe(1);
    expect(read!.count).toBe(50);
    await admin.client!.del(`sy:c:${key}`, `sy:c:${tokens}`);
  });

  it("holds the limit across instances: another instance's calls are seen once the view is stale", async () => {
    // RPM 10 is always checked on Redis: B's call after A's nine is the eleventh and refused.
    const [a, b] = [open(), open()];
    const small = `test:${randomUUID()}`;
    expect((await b.admit(small, 60_000, 10))[0].count).toBe(1);
    for (let i = 0; i < 9; i++) await a.admit(small, 60_000, 10);
    expect((await b.admit(small, 60_000, 10))[0].count).toBe(11);
    // RPM 100: B saw 1; A takes the other 99; past B's freshness its next call is the 101st.
    const big = `test:${randomUUID()}`;
    await b.admit(big, 60_000, 100);
    for (let i = 0; i < 99; i++) await a.admit(big, 60_000, 100);
    await new Promise((r) => setTimeout(r, VIEW_FRESH_MS + 10));
    expect((await b.admit(big, 60_000, 100))[0].count).toBe(101);
    expect(await admin.client!.get(`sy:c:${big}`)).toBe('101');
    await admin.client!.del(`sy:c:${small}`, `sy:c:${big}`);
  });
});
