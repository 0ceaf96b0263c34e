import { Injectable, Logger } from '@nestjs/common';
import { CounterStore, RedisService } from '@switchyard/core';

const COOLDOWN = (id: string) => `sy:vault:cd:${id}`;
const INVALID = (id: string) => `sy:vault:inv:${id}`;
const RESELECT = (owner: string, provider: string) => `sy:vault:reselect:${owner}:${provider}`;
/** How long a rate-limit streak is remembered for the exponential default cooldown. */
const STREAK_WINDOW_MS = 3_600_000;
/** Invalid marks in Redis bridge the moment until every instance has reloaded the key from the database. */
const VAULT_INVALID_TTL_MS = 3_600_000;

/**
 * Which keys must not be used right now: cooling down (until a time) or invalid. With REDIS_URL
 * the marks live in Redis, so every instance skips a key the moment any instance marks it (one
 * MGET per key lookup); without, they live in this process. The database keeps the durable state
 * (status, cooldown_until) for display and restarts.
 */
@Injectable()
export class KeyHealthStore {
  private readonly logger = new Logger(KeyHealthStore.name);
  private readonly cooldowns = new Map<string, number>();
  private readonly invalid = new Map<string, number>();
  private readonly reselect = new Map<string, number>();

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
      if (set !== 'OK') return false;
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

  /** Forgets every mark of a key (an operator re-enabled it). */
  async clear(id: string): Promise<void> {
    this.cooldowns.delete(id);
    this.invalid.delete(id);
    await this.redis.client?.del(COOLDOWN(id), INVALID(id));
    await this.counters.reset(`vault:streak:${id}`);
  }

  /** The ids among these that must be skipped now. One Redis round trip with REDIS_URL. */
  async unusable(ids: readonly string[]): Promise<Set<string>> {
    const now = Date.now();
    const blocked = new Set<string>();
    const client = this.redis.client;
    if (client && ids.length > 0) {
      try {
        const values = await client.mget(...ids.flatMap((id) => [COOLDOWN(id), INVALID(id)]));
        ids.forEach((id, i) => {
          const cooldown = values[i * 2];
          if (cooldown) {
            blocked.add(id);
            this.cooldowns.set(id, Number(cooldown));
          }
          if (values[i * 2 + 1]) blocked.add(id);
        });
        return blocked;
      } catch (err) {
        // Redis away: this instance's own knowledge is the best there is.
        this.logger.warn(`redis: key health unavailable (${(err as Error).message}); using local state`);
      }
    }
    for (const id of ids) {
      if ((this.cooldowns.get(id) ?? 0) > now || (this.invalid.get(id) ?? 0) > now) blocked.add(id);
    }
    return blocked;
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
