import { Injectable } from '@nestjs/common';
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
      const [count, ttl] = (await client.eval(INCR_SCRIPT, 1, `sy:c:${key}`, by, windowMs)) as [
        number,
        number,
      ];
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
