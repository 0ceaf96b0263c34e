import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisService } from './redis.service.js';

export interface Counter {
  count: number;
  /** Milliseconds until the window resets (0 when there is no window). */
  ttlMs: number;
}

// INCRBY then set the expiry only when the key is new, in one round trip.
const INCR_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {count, ttl}
`;

// INCR_SCRIPT on KEYS[1], then the count and ttl of KEYS[2], in one round trip.
const INCR_READ_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
local other = tonumber(redis.call('GET', KEYS[2]) or '0')
local otherTtl = redis.call('PTTL', KEYS[2])
return {count, ttl, other, otherTtl}
`;

/** The client with the two scripts as commands: EVALSHA, and EVAL only after a NOSCRIPT. */
type Scripted = Redis & {
  syCounterIncr(key: string, by: number, windowMs: number): Promise<[number, number]>;
  syCounterIncrRead(
    key: string,
    other: string,
    by: number,
    windowMs: number,
  ): Promise<[number, number, number, number]>;
};

/**
 * The scripts run by their SHA1 (ioredis's defineCommand), so a call sends neither the script's
 * text nor makes Redis hash it again; ioredis loads it on a NOSCRIPT (a new or flushed server).
 */
function scripted(client: Redis): Scripted {
  const c = client as Scripted;
  if (typeof c.syCounterIncr !== 'function') {
    client.defineCommand('syCounterIncr', { numberOfKeys: 1, lua: INCR_SCRIPT });
    client.defineCommand('syCounterIncrRead', { numberOfKeys: 2, lua: INCR_READ_SCRIPT });
  }
  return c;
}

/**
 * Fixed-window counters shared by every instance through Redis, or kept in this process when
 * Redis is not configured. Rate limits, login lockouts and cooldowns are built on it.
 */
@Injectable()
export class CounterStore {
  private readonly local = new Map<string, { count: number; resetAt: number }>();
  private sweeps = 0;

  constructor(private readonly redis: RedisService) {}

  /** Adds `by` to the counter, starting a window of `windowMs` if none is open. */
  async increment(key: string, windowMs: number, by = 1): Promise<Counter> {
    const client = this.redis.client;
    if (client) {
      const [count, ttl] = await scripted(client).syCounterIncr(`sy:c:${key}`, by, windowMs);
      return { count, ttlMs: ttl };
    }
    const now = Date.now();
    if (++this.sweeps % 10_000 === 0) this.sweep(now);
    const entry = this.local.get(key);
    if (!entry || entry.resetAt <= now) {
      this.local.set(key, { count: by, resetAt: now + windowMs });
      return { count: by, ttlMs: windowMs };
    }
    entry.count += by;
    return { count: entry.count, ttlMs: entry.resetAt - now };
  }

  /** `increment(key)` and `peek(other)` together: one Redis round trip instead of two. */
  async incrementAndPeek(key: string, windowMs: number, other: string): Promise<[Counter, Counter]> {
    const client = this.redis.client;
    if (client) {
      const [count, ttl, otherCount, otherTtl] = await scripted(client).syCounterIncrRead(
        `sy:c:${key}`,
        `sy:c:${other}`,
        1,
        windowMs,
      );
      return [
        { count, ttlMs: ttl },
        { count: otherCount, ttlMs: Math.max(0, otherTtl) },
      ];
    }
    return [await this.increment(key, windowMs), await this.peek(other)];
  }

  async peek(key: string): Promise<Counter> {
    const client = this.redis.client;
    if (client) {
      const [count, ttl] = await Promise.all([client.get(`sy:c:${key}`), client.pttl(`sy:c:${key}`)]);
      return { count: count ? Number(count) : 0, ttlMs: Math.max(0, ttl) };
    }
    const entry = this.local.get(key);
    const now = Date.now();
    if (!entry || entry.resetAt <= now) return { count: 0, ttlMs: 0 };
    return { count: entry.count, ttlMs: entry.resetAt - now };
  }

  async reset(key: string): Promise<void> {
    if (this.redis.client) await this.redis.client.del(`sy:c:${key}`);
    this.local.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.local) if (entry.resetAt <= now) this.local.delete(key);
  }
}
