import { Injectable, Logger } from '@nestjs/common';
import { CounterStore, RedisService } from '@switchyard/core';

const COOLDOWN = (id: string) => `sy:vault:cd:${id}`;
const INVALID = (id: string) => `sy:vault:inv:${id}`;
const RESELECT = (owner: string, provider: string) => `sy:vault:reselect:${owner}:${provider}`;
/** How long a rate-limit streak is remembered for the exponential default cooldown. */
const STREAK_WINDOW_MS = 3_600_000;
/** Invalid marks in Redis bridge the moment until every instance has reloaded the key from the database. */
export const VAULT_INVALID_TTL_MS = 3_600_000;
/**
 * How long a key's marks read from Redis are trusted before a lookup reads them again. Cooldowns
 * and invalid marks also reach every instance at once through pub/sub (`noteCooldown`,
 * `noteInvalid`); the read only repairs a missed message or a mark set before this instance
 * started, within this time.
 */
const REDIS_REFRESH_MS = 1_000;

/**
 * What `unusable` answers when no key is blocked (nearly every call): one set, not one per call,
 * shared by every caller, so never mutated (the type says so).
 */
const NONE_BLOCKED: ReadonlySet<string> = new Set();

/**
 * Which keys must not be used right now: cooling down (until a time) or invalid. With REDIS_URL
 * the marks live in Redis and every instance skips a key as soon as any instance marks it: a
 * cooldown or an invalid mark is announced through pub/sub, and a lookup reads a key's marks from
 * Redis (one MGET) only when this instance has not read them for a second, so a call under load
 * pays no round trip for it (issue 20). Without Redis they live in this process. The database
 * keeps the durable state (status, cooldown_until) for display and restarts.
 */
@Injectable()
export class KeyHealthStore {
  private readonly logger = new Logger(KeyHealthStore.name);
  private readonly cooldowns = new Map<string, number>();
  private readonly invalid = new Map<string, number>();
  private readonly reselect = new Map<string, number>();
  /** When each key's marks were last read from Redis. */
  private readonly readAt = new Map<string, number>();

  constructor(
    private readonly redis: RedisService,
    private readonly counters: CounterStore,
  ) {}

  /**
   * Starts a cooldown unless one is running; true when this call started it (the caller then
   * logs the event, once, whichever instance saw the 429 first).
   */
  async coolDown(id: string, ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    const client = this.redis.client;
    if (client) {
      const set = await client.set(COOLDOWN(id), String(until), 'PX', ms, 'NX');
      if (set !== 'OK') {
        // Another instance's cooldown runs: skip the key here too until it ends.
        const running = Number(await client.get(COOLDOWN(id)));
        if (running > Date.now()) this.cooldowns.set(id, running);
        return false;
      }
      this.cooldowns.set(id, until);
      return true;
    }
    if ((this.cooldowns.get(id) ?? 0) > Date.now()) return false;
    this.cooldowns.set(id, until);
    return true;
  }

  /** Remembers that another instance started a cooldown (pub/sub), for displays and the memory fast path. */
  noteCooldown(id: string, until: number): void {
    if (until > Date.now()) this.cooldowns.set(id, until);
  }

  /** When a key's cooldown ends, if it is cooling (this instance's knowledge). */
  coolingUntil(id: string): number | undefined {
    const until = this.cooldowns.get(id);
    if (until === undefined) return undefined;
    if (until <= Date.now()) {
      this.cooldowns.delete(id);
      return undefined;
    }
    return until;
  }

  /** Marks a key invalid for `ttlMs`; true when it was not marked yet. */
  async markInvalid(id: string, ttlMs = VAULT_INVALID_TTL_MS): Promise<boolean> {
    const client = this.redis.client;
    this.invalid.set(id, Date.now() + ttlMs);
    if (!client) return true;
    return (await client.set(INVALID(id), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** Remembers that another instance marked a key invalid (pub/sub), so this one skips it at once. */
  noteInvalid(id: string, ttlMs = VAULT_INVALID_TTL_MS): void {
    this.invalid.set(id, Date.now() + ttlMs);
  }

  /** Forgets every mark of a key (an operator re-enabled it). */
  async clear(id: string): Promise<void> {
    this.cooldowns.delete(id);
    this.invalid.delete(id);
    await this.redis.client?.del(COOLDOWN(id), INVALID(id));
    await this.counters.reset(`vault:streak:${id}`);
  }

  /**
   * The ids among these that must be skipped now. With REDIS_URL, one Redis round trip when some
   * of them were not read for REDIS_REFRESH_MS; otherwise none.
   */
  async unusable(ids: readonly string[]): Promise<ReadonlySet<string>> {
    const now = Date.now();
    let blocked: Set<string> | undefined;
    const client = this.redis.client;
    const stale = client ? ids.filter((id) => now - (this.readAt.get(id) ?? 0) >= REDIS_REFRESH_MS) : [];
    if (client && stale.length > 0) {
      try {
        const values = await client.mget(...stale.flatMap((id) => [COOLDOWN(id), INVALID(id)]));
        stale.forEach((id, i) => {
          this.readAt.set(id, now);
          // Redis is the authority: a mark it no longer has ended or was cleared by an operator.
          const cooldown = Number(values[i * 2]);
          if (cooldown > now) this.cooldowns.set(id, cooldown);
          else this.cooldowns.delete(id);
          // An invalid mark is read again within REDIS_REFRESH_MS while it lasts.
          if (values[i * 2 + 1]) this.invalid.set(id, now + VAULT_INVALID_TTL_MS);
          else this.invalid.delete(id);
        });
      } catch (err) {
        // Redis away: this instance's own knowledge is the best there is.
        this.logger.warn(`redis: key health unavailable (${(err as Error).message}); using local state`);
      }
    }
    for (const id of ids) {
      if ((this.cooldowns.get(id) ?? 0) > now || (this.invalid.get(id) ?? 0) > now)
        (blocked ??= new Set()).add(id);
    }
    return blocked ?? NONE_BLOCKED;
  }

  /** How many rate limits in a row this key has hit (for the exponential default cooldown). */
  async rateLimitStreak(id: string): Promise<number> {
    return (await this.counters.increment(`vault:streak:${id}`, STREAK_WINDOW_MS)).count;
  }

  async resetStreak(id: string): Promise<void> {
    await this.counters.reset(`vault:streak:${id}`);
  }

  /** After an invalid selected key: the next key of this owner to succeed becomes its selection. */
  async requestReselect(owner: string, provider: string): Promise<void> {
    this.reselect.set(`${owner}|${provider}`, Date.now() + STREAK_WINDOW_MS);
    await this.redis.client?.set(RESELECT(owner, provider), '1', 'PX', STREAK_WINDOW_MS);
  }

  /** Notes a reselection another instance requested (pub/sub). */
  noteReselect(owner: string, provider: string): void {
    this.reselect.set(`${owner}|${provider}`, Date.now() + STREAK_WINDOW_MS);
  }

  /** Memory-only check, cheap enough for every successful call. */
  reselectPending(owner: string, provider: string): boolean {
    const until = this.reselect.get(`${owner}|${provider}`);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.reselect.delete(`${owner}|${provider}`);
    return false;
  }

  /** Claims a pending reselection: true for exactly one caller across every instance. */
  async claimReselect(owner: string, provider: string): Promise<boolean> {
    const local = this.reselect.delete(`${owner}|${provider}`);
    const client = this.redis.client;
    if (!client) return local;
    return (await client.del(RESELECT(owner, provider))) === 1;
  }

  /** Drops a pending reselection (an operator chose a key). */
  async cancelReselect(owner: string, provider: string): Promise<void> {
    this.reselect.delete(`${owner}|${provider}`);
    await this.redis.client?.del(RESELECT(owner, provider));
  }
}
