import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig, LoadingCache, RedisService } from '@switchyard/core';
import type { Caller } from '../caller.js';

const CHANNEL = 'sy:auth:invalidate';

/** What the caller guard needs about a verified API key, cached by the key's hash. */
export interface CachedKey {
  caller: Caller;
  expiresAt: number | null;
}

/** What the caller guard needs about the user behind a JWT, cached by user id. */
export interface CachedUser {
  caller: Caller;
  sessionVersion: number;
  active: boolean;
}

type Invalidation = { kind: 'key'; hash: string } | { kind: 'user'; id: string } | { kind: 'all' };

/**
 * Warm credentials cost no database read: verified keys and users are kept for a short TTL
 * (AUTH_CACHE_TTL_SECONDS) and dropped at once, on every instance, when revoked or changed.
 * Unknown key hashes are remembered too, so a flood of bad keys does not reach the database.
 * A cold entry is read once however many calls want it at the same moment, and a read that a
 * revocation overtook is not kept (`LoadingCache`).
 */
@Injectable()
export class AuthCache implements OnModuleInit {
  /** By key hash; `false` for a hash that is not a usable key. */
  readonly keys: LoadingCache<string, CachedKey | false>;
  readonly users: LoadingCache<string, CachedUser>;

  constructor(
    config: AppConfig,
    private readonly redis: RedisService,
  ) {
    const ttl = Math.max(1, config.auth.cacheTtlSeconds) * 1000;
    this.keys = new LoadingCache(50_000, ttl);
    this.users = new LoadingCache(50_000, ttl);
  }

  async onModuleInit(): Promise<void> {
    await this.redis.subscribe(CHANNEL, (message) => this.apply(JSON.parse(message) as Invalidation));
  }

  invalidateKey(hash: string): Promise<void> {
    return this.broadcast({ kind: 'key', hash });
  }

  invalidateUser(id: string): Promise<void> {
    return this.broadcast({ kind: 'user', id });
  }

  /** Tenant-wide changes (disable, default RPM) are rare: drop everything. */
  invalidateAll(): Promise<void> {
    return this.broadcast({ kind: 'all' });
  }

  private async broadcast(message: Invalidation): Promise<void> {
    this.apply(message);
    await this.redis.publish(CHANNEL, JSON.stringify(message));
  }

  private apply(message: Invalidation): void {
    switch (message.kind) {
      case 'key':
        this.keys.delete(message.hash);
        break;
      case 'user':
        this.users.delete(message.id);
        // Keys carry their owner's state; a changed user invalidates their cached keys too. A key
        // remembered as unusable names no owner, and may be theirs (re-enabled): dropped as well.
        this.keys.deleteWhere((entry) => entry === false || entry.caller.userId === message.id);
        break;
      case 'all':
        this.keys.clear();
        this.users.clear();
        break;
    }
  }
}
