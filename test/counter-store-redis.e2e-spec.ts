import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppConfig, CounterStore, RedisService } from '@switchyard/core';

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
