import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { AppConfig, CounterStore, RedisService } from '@switchyard/core';
import { KeyHealthStore } from '@switchyard/key-vault';

/**
 * Key health shared through the real Redis by two instances' stores (decision 0015, issue 20):
 * a lookup reads Redis at most once a second per key, so a busy instance pays no round trip per
 * call, yet what another instance marks reaches it at once by pub/sub (noteCooldown) or within
 * that second by the read, and a cooldown it loses the race for is skipped at once.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REFRESH_MS = 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('key health with Redis (two instances)', () => {
  let redisA: RedisService;
  let redisB: RedisService;
  let a: KeyHealthStore;
  let b: KeyHealthStore;
  beforeAll(() => {
    const config = { redisUrl: REDIS_URL } as AppConfig;
    redisA = new RedisService(config);
    redisB = new RedisService(config);
    a = new KeyHealthStore(redisA, new CounterStore(redisA));
    b = new KeyHealthStore(redisB, new CounterStore(redisB));
  });
  afterAll(async () => {
    await redisA?.onApplicationShutdown();
    await redisB?.onApplicationShutdown();
  });

  it('reads Redis once a second per key, however many lookups', async () => {
    const ids = [randomUUID(), randomUUID()];
    const mget = jest.spyOn(redisB.client!, 'mget');
    for (let i = 0; i < 50; i++) expect(await b.unusable(ids)).toEqual(new Set());
    expect(mget).toHaveBeenCalledTimes(1);
    await sleep(REFRESH_MS + 50);
    await b.unusable(ids);
    expect(mget).toHaveBeenCalledTimes(2);
    mget.mockRestore();
  });

  it("sees another instance's cooldown at once when announced, and within a second when not", async () => {
    const announced = randomUUID();
    const silent = randomUUID();
    await b.unusable([announced, silent]); // both read now: fresh for a second
    expect(await a.coolDown(announced, 5_000)).toBe(true);
    expect(await a.coolDown(silent, 5_000)).toBe(true);
    b.noteCooldown(announced, Date.now() + 5_000); // what the vault index does on the pub/sub message
    expect(await b.unusable([announced, silent])).toEqual(new Set([announced]));
    await sleep(REFRESH_MS + 50);
    expect(await b.unusable([announced, silent])).toEqual(new Set([announced, silent]));
  });

  it('skips at once a key whose cooldown another instance started first', async () => {
    const id = randomUUID();
    expect(await a.coolDown(id, 5_000)).toBe(true);
    expect(await b.coolDown(id, 5_000)).toBe(false); // lost the SET NX: the event is A's
    expect(await b.unusable([id])).toEqual(new Set([id]));
  });

  it('takes Redis as the authority when it reads: a mark cleared elsewhere is dropped', async () => {
    const id = randomUUID();
    expect(await a.coolDown(id, 30_000)).toBe(true);
    expect(await b.unusable([id])).toEqual(new Set([id]));
    await a.clear(id); // an operator re-enabled the key on instance A
    await sleep(REFRESH_MS + 50);
    expect(await b.unusable([id])).toEqual(new Set());
  });
});
