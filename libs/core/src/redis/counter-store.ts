import { performance } from 'node:perf_hooks';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { boundedLru } from '../lru.js';
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

/** How long `add` holds an addition back to send it with the key's others. */
export const FLUSH_MS = 5;

/** A limit checked by `admit`: a counter and the count it may reach. */
export interface CounterLimit {
  key: string;
  limit: number;
}

/**
 * This instance's view of a Redis counter that `admit` checks: the count Redis last answered,
 * when (`performance.now()`), when its window ends, and what this instance has added since
 * without an answer yet.
 */
interface View {
  count: number;
  seenAt: number;
  resetAt: number;
  /** Whether the counter existed (had a window) at the last answer. */
  open: boolean;
  pending: number;
}

/** How long a counter's last answer may stand in for Redis (see `admit`). */
export const VIEW_FRESH_MS = 10;
/** Limits below this are always checked on Redis: half of them is too few calls to estimate. */
export const QUICK_MIN_LIMIT = 100;
/** A view this close to its window's end is not used: the next call may open a new window. */
const WINDOW_END_MARGIN_MS = 100;

/**
 * Fixed-window counters shared by every instance through Redis, or kept in this process when
 * Redis is not configured. Rate limits, login lockouts and cooldowns are built on it.
 */
@Injectable()
export class CounterStore implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(CounterStore.name);
  private readonly local = new Map<string, { count: number; resetAt: number }>();
  private sweeps = 0;
  /** The Redis counters `admit` has checked, as last answered (see `View`). */
  private readonly views = boundedLru<string, View>(100_000);
  /** How long a view may stand in for Redis: `VIEW_FRESH_MS` (tests of this store change it). */
  freshMs = VIEW_FRESH_MS;
  /** Additions not sent yet (see `add`), by key. */
  private readonly deferred = new Map<string, { windowMs: number; by: number; read?: string }>();
  private flushTimer?: NodeJS.Timeout;

  constructor(private readonly redis: RedisService) {}

  /** Adds `by` to the counter, starting a window of `windowMs` if none is open. */
  async increment(key: string, windowMs: number, by = 1): Promise<Counter> {
    const client = this.redis.client;
    if (client) {
      const view = this.views.get(key);
      if (view) view.pending += by;
      return (await this.send(client, key, by, windowMs, view))[0];
    }
    return this.incrementLocal(key, windowMs, by);
  }

  private incrementLocal(key: string, windowMs: number, by: number): Counter {
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

  /**
   * Adds `by` without waiting for an answer: in memory at once; on Redis summed with this key's
   * other additions and sent within `FLUSH_MS` (one command per key per flush), or before a
   * rate-limit check that waits for Redis. `read` names a counter whose view the flush refreshes
   * in the same round trip (a key's token counter, read along its request counter).
   */
  add(key: string, windowMs: number, by: number, read?: string): void {
    if (!this.redis.client) {
      this.incrementLocal(key, windowMs, by);
      return;
    }
    const view = this.views.get(key);
    if (view) view.pending += by;
    const entry = this.deferred.get(key);
    if (entry) {
      entry.by += by;
      if (read) entry.read = read;
    } else this.deferred.set(key, { windowMs, by, ...(read ? { read } : {}) });
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  /** Sends every addition `add` holds back; their answers refresh the views. */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const client = this.redis.client;
    if (!client || this.deferred.size === 0) return Promise.resolve();
    const entries = [...this.deferred];
    this.deferred.clear();
    // Each key's view counted its additions as pending (see `add` and `admit`).
    const sent = entries.map(([key, { windowMs, by, read }]) =>
      this.send(client, key, by, windowMs, this.views.get(key), read).catch((err: unknown) => {
        this.logger.warn(`${by} added to the counter ${key} could not be sent: ${(err as Error).message}`);
      }),
    );
    return Promise.all(sent).then(() => undefined);
  }

  /** Sends what is held back before the server drains, and again after (its calls added more). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** `increment(key)` and `peek(other)` together: one Redis round trip instead of two. */
  async incrementAndPeek(key: string, windowMs: number, other: string): Promise<[Counter, Counter]> {
    const client = this.redis.client;
    if (client) {
      const view = this.views.get(key);
      if (view) view.pending += 1;
      const [counted, read] = await this.send(client, key, 1, windowMs, view, other);
      return [counted, read!];
    }
    return [await this.increment(key, windowMs), await this.peek(other)];
  }

  /**
   * A rate-limit check: adds one to `key` (a window of `windowMs`) and reads `other` when given,
   * as `increment` and `incrementAndPeek` do, but on Redis without waiting for the answer when
   * this instance's view of both counters was answered in the last `VIEW_FRESH_MS` (its window
   * not about to end), both limits are at least `QUICK_MIN_LIMIT`, and the call takes neither
   * past half its limit. The increment still goes to Redis (within `FLUSH_MS`, with the key's
   * others: see `add`), and its answer refreshes the views. Otherwise what this instance held
   * back is sent first and the call waits for Redis as before, so a refusal is
   * always decided on Redis's count (decision 0029). The counts a quick answer returns are this
   * instance's estimate: what Redis last said plus what this instance has added since.
   */
  async admit(
    key: string,
    windowMs: number,
    limit: number,
    other?: CounterLimit,
  ): Promise<[Counter, Counter | undefined]> {
    const client = this.redis.client;
    if (!client) {
      return [await this.increment(key, windowMs), other ? await this.peek(other.key) : undefined];
    }
    const now = performance.now();
    const mine = limit >= QUICK_MIN_LIMIT ? this.usable(key, now) : undefined;
    const theirs = other && other.limit >= QUICK_MIN_LIMIT ? this.usable(other.key, now) : undefined;
    if (
      mine &&
      (mine.count + mine.pending + 1) * 2 <= limit &&
      (!other || (theirs && (theirs.count + theirs.pending) * 2 < other.limit))
    ) {
      const counted = { count: mine.count + mine.pending + 1, ttlMs: Math.round(mine.resetAt - now) };
      const read = theirs && {
        count: theirs.count + theirs.pending,
        ttlMs: theirs.open ? Math.max(0, Math.round(theirs.resetAt - now)) : 0,
      };
      this.add(key, windowMs, 1, other?.key);
      return [counted, read];
    }
    // What this instance added goes first, so that Redis's answer counts it.
    void this.flush();
    if (!this.views.has(key)) this.views.set(key, emptyView());
    if (other && !this.views.has(other.key)) this.views.set(other.key, emptyView());
    if (!other) return [await this.increment(key, windowMs), undefined];
    return this.incrementAndPeek(key, windowMs, other.key);
  }

  /**
   * One command: adds `by` to `key`, and reads `read` along when given. Its answers go into the
   * views, `view` being the one `key` had when its addition was counted as pending (see
   * `answered`); a failure drops both views, so the next check waits for Redis.
   */
  private async send(
    client: Redis,
    key: string,
    by: number,
    windowMs: number,
    view: View | undefined,
    read?: string,
  ): Promise<[Counter, Counter | undefined]> {
    const readView = read === undefined ? undefined : this.views.get(read);
    try {
      if (read === undefined) {
        const [count, ttl] = await scripted(client).syCounterIncr(`sy:c:${key}`, by, windowMs);
        this.answered(key, view, by, count, ttl);
        return [{ count, ttlMs: ttl }, undefined];
      }
      const [count, ttl, readCount, readTtl] = await scripted(client).syCounterIncrRead(
        `sy:c:${key}`,
        `sy:c:${read}`,
        by,
        windowMs,
      );
      this.answered(key, view, by, count, ttl);
      this.answered(read, readView, 0, readCount, readTtl);
      return [
        { count, ttlMs: ttl },
        { count: readCount, ttlMs: Math.max(0, readTtl) },
      ];
    } catch (err) {
      this.views.delete(key);
      if (read !== undefined) this.views.delete(read);
      throw err;
    }
  }

  /** The view of `key` if it may stand in for Redis now. */
  private usable(key: string, now: number): View | undefined {
    const view = this.views.get(key);
    if (!view || now - view.seenAt > this.freshMs || now >= view.resetAt - WINDOW_END_MARGIN_MS)
      return undefined;
    return view;
  }

  /**
   * Redis answered an increment of `by` (0: a read) of `key`, sent while `sent` was its view,
   * with `count` and `ttl`. Answers come back in the order the commands went out on the one
   * connection, so the count includes every increment this instance sent before, and `pending`
   * keeps the later ones. A view made after the command went out (the old one was dropped) did
   * not count it as pending: it takes the count only.
   */
  private answered(key: string, sent: View | undefined, by: number, count: number, ttl: number): void {
    const view = this.views.get(key);
    if (!view) return;
    const now = performance.now();
    if (view === sent) view.pending = Math.max(0, view.pending - by);
    view.count = count;
    view.seenAt = now;
    view.open = ttl > 0;
    // A counter that does not exist (no window open) reads 0 until someone adds to it.
    view.resetAt = now + (ttl > 0 ? ttl : this.freshMs);
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
    this.views.delete(key);
    this.deferred.delete(key);
    if (this.redis.client) await this.redis.client.del(`sy:c:${key}`);
    this.local.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.local) if (entry.resetAt <= now) this.local.delete(key);
  }
}

function emptyView(): View {
  return { count: 0, seenAt: -Infinity, resetAt: 0, open: false, pending: 0 };
}
