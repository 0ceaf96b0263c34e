import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { RedisService } from '@switchyard/core';
import type { KeyScope } from '@switchyard/providers';
import { KeyHealthStore } from './key-health.store.js';
import type { OwnerType, ProviderKeyEntity, StoredKeyStatus } from './provider-key.entity.js';
import { ProviderKeyRepository } from './provider-key.repository.js';
import { VaultCipher, VaultDecryptError } from './vault-cipher.js';

const CHANNEL = 'sy:vault:events';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A safety net under pub/sub (a missed message, a Redis reconnect): every key is reloaded this often. */
const FULL_RELOAD_MS = 300_000;

/** A vault key as the hot path needs it, decrypted. */
export interface IndexedKey {
  id: string;
  ownerKey: string;
  ownerType: OwnerType;
  tenantId: string | null;
  userId: string | null;
  provider: string;
  name: string;
  baseUrl: string | null;
  last4: string;
  status: StoredKeyStatus;
  selected: boolean;
  failureCount: number;
  /** The sealed form, to tell whether a reload must decrypt again. */
  ciphertext: string;
  /** Undefined when the ciphertext could not be opened (unknown master key): the key is skipped. */
  secret?: string;
}

type VaultMessage = (
  | { kind: 'owner'; owner: string }
  | { kind: 'all' }
  | { kind: 'cooldown'; id: string; until: number }
  | { kind: 'invalid'; id: string; ttlMs: number }
  | { kind: 'reselect'; owner: string; provider: string }
) & { from?: string };

/**
 * Every vault key in memory, decrypted, grouped by owner and provider in creation order, so the
 * key source answers `isAvailable` synchronously and `keysFor` without reading the database. A
 * change reloads that owner's keys on every instance (Redis pub/sub, or locally without Redis).
 */
@Injectable()
export class VaultIndex implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('KeyVault');
  /** owner key -> provider -> keys in creation order */
  private readonly pools = new Map<string, Map<string, IndexedKey[]>>();
  private readonly byId = new Map<string, IndexedKey>();
  /** Reload generations per owner: a slow, older reload never overwrites a newer one. */
  private readonly generations = new Map<string, number>();
  private fullReload?: NodeJS.Timeout;
  /** Messages carry their sender, so an instance does not apply its own twice. */
  private readonly instance = randomUUID();

  constructor(
    private readonly repo: ProviderKeyRepository,
    private readonly cipher: VaultCipher,
    private readonly redis: RedisService,
    private readonly health: KeyHealthStore,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.redis.subscribe(CHANNEL, (message) => this.onMessage(JSON.parse(message) as VaultMessage));
    await this.reloadAll();
    this.fullReload = setInterval(
      () =>
        void this.reloadAll().catch((err: unknown) =>
          this.logger.warn(`reload failed: ${(err as Error).message}`),
        ),
      FULL_RELOAD_MS,
    );
    this.fullReload.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.fullReload);
  }

  get(id: string): IndexedKey | undefined {
    return this.byId.get(id);
  }

  /**
   * A vault key by id, loading its owner's keys when this instance has not heard of it yet (it
   * was added on another instance a moment ago). Undefined for ids that are not vault keys.
   */
  async find(id: string): Promise<IndexedKey | undefined> {
    const known = this.byId.get(id);
    if (known || !UUID.test(id)) return known;
    const owner = await this.repo.ownerOf(id);
    if (!owner) return undefined;
    await this.reloadOwner(owner);
    return this.byId.get(id);
  }

  /** One owner's keys for a provider, in creation order. */
  keys(owner: string, provider: string): readonly IndexedKey[] {
    return this.pools.get(owner)?.get(provider) ?? [];
  }

  /**
   * The pools a scope may draw from, in order: the user's, the tenant's, the platform's; each
   * with its selected key first, then the rest in creation order.
   */
  ordered(provider: string, scope: KeyScope): IndexedKey[] {
    // Runs twice per model call (availability, then the keys): no arrays but the answer.
    const out: IndexedKey[] = [];
    if (scope.userId) this.appendPool(out, `user:${scope.userId}`, provider);
    if (scope.tenantId) this.appendPool(out, `tenant:${scope.tenantId}`, provider);
    this.appendPool(out, 'platform', provider);
    return out;
  }

  /** Appends one owner's pool for a provider: its selected key, then the rest in creation order. */
  private appendPool(out: IndexedKey[], owner: string, provider: string): void {
    const keys = this.pools.get(owner)?.get(provider);
    if (!keys) return;
    let selected: IndexedKey | undefined;
    for (const k of keys) {
      if (k.selected) {
        selected = k;
        break;
      }
    }
    if (selected) out.push(selected);
    for (const k of keys) if (k !== selected) out.push(k);
  }

  /**
   * Keys per provider by health, for the metrics (read at scrape time): active (usable now),
   * cooling (rate-limited, resting) and invalid. Disabled keys are not counted.
   */
  healthByProvider(): Array<{ provider: string; active: number; cooling: number; invalid: number }> {
    const out = new Map<string, { provider: string; active: number; cooling: number; invalid: number }>();
    for (const key of this.byId.values()) {
      if (key.status === 'disabled') continue;
      let counts = out.get(key.provider);
      if (!counts) {
        counts = { provider: key.provider, active: 0, cooling: 0, invalid: 0 };
        out.set(key.provider, counts);
      }
      if (key.status === 'invalid' || key.secret === undefined) counts.invalid++;
      else if (this.health.coolingUntil(key.id) !== undefined) counts.cooling++;
      else counts.active++;
    }
    return [...out.values()];
  }

  /** Whether a key may be offered at all (cooldowns aside). */
  static usable(key: IndexedKey): boolean {
    return key.status === 'active' && key.secret !== undefined;
  }

  /** Memory only: does any pool of this scope hold a usable key for the provider? */
  hasUsable(provider: string, scope: KeyScope): boolean {
    return this.ordered(provider, scope).some((k) => VaultIndex.usable(k));
  }

  /** Tells every instance (this one included) that an owner's keys changed. */
  async changed(owner: string): Promise<void> {
    await this.reloadOwner(owner);
    await this.broadcast({ kind: 'owner', owner });
  }

  async broadcastCooldown(id: string, until: number): Promise<void> {
    await this.broadcast({ kind: 'cooldown', id, until });
  }

  /** Every instance skips the key at once, before the database update reaches it through a reload. */
  async broadcastInvalid(id: string, ttlMs: number): Promise<void> {
    await this.broadcast({ kind: 'invalid', id, ttlMs });
  }

  async broadcastReselect(owner: string, provider: string): Promise<void> {
    await this.broadcast({ kind: 'reselect', owner, provider });
  }

  /** Reloads every key (boot, the periodic safety net, after a rotation). */
  async reloadAll(): Promise<void> {
    const owners = new Set([...this.pools.keys()]);
    const started = new Map([...owners].map((o) => [o, this.bump(o)]));
    const rows = await this.repo.allForIndex();
    const grouped = new Map<string, ProviderKeyEntity[]>();
    for (const row of rows) {
      const list = grouped.get(row.ownerKey) ?? [];
      list.push(row);
      grouped.set(row.ownerKey, list);
      if (!started.has(row.ownerKey)) started.set(row.ownerKey, this.bump(row.ownerKey));
    }
    for (const [owner, generation] of started) this.apply(owner, grouped.get(owner) ?? [], generation);
  }

  private async reloadOwner(owner: string): Promise<void> {
    const generation = this.bump(owner);
    const rows = await this.repo.ownerForIndex(owner);
    this.apply(owner, rows, generation);
  }

  private bump(owner: string): number {
    const next = (this.generations.get(owner) ?? 0) + 1;
    this.generations.set(owner, next);
    return next;
  }

  private apply(owner: string, rows: ProviderKeyEntity[], generation: number): void {
    if (this.generations.get(owner) !== generation) return;
    for (const keys of this.pools.get(owner)?.values() ?? []) for (const k of keys) this.byId.delete(k.id);
    const byProvider = new Map<string, IndexedKey[]>();
    for (const row of rows) {
      const key = this.toIndexed(row);
      this.byId.set(key.id, key);
      const list = byProvider.get(key.provider) ?? [];
      list.push(key);
      byProvider.set(key.provider, list);
      if (row.cooldownUntil) this.health.noteCooldown(row.id, row.cooldownUntil.getTime());
    }
    if (byProvider.size === 0) this.pools.delete(owner);
    else this.pools.set(owner, byProvider);
  }

  private toIndexed(row: ProviderKeyEntity): IndexedKey {
    const cached = this.byId.get(row.id);
    let secret: string | undefined;
    if (cached?.secret !== undefined && cached.ciphertext === row.ciphertext) {
      secret = cached.secret;
    } else {
      try {
        secret = this.cipher.decrypt(row.ciphertext, row.id);
      } catch (err) {
        if (!(err instanceof VaultDecryptError)) throw err;
        this.logger.error(
          `provider key ${row.id} (…${row.last4}) cannot be decrypted: ${err.message}; it is skipped`,
        );
      }
    }
    return {
      id: row.id,
      ownerKey: row.ownerKey,
      ownerType: row.ownerType,
      tenantId: row.tenantId,
      userId: row.userId,
      provider: row.provider,
      name: row.name,
      baseUrl: row.baseUrl,
      last4: row.last4,
      status: row.status,
      selected: row.selected,
      failureCount: row.failureCount,
      ciphertext: row.ciphertext,
      secret,
    };
  }

  private async broadcast(message: VaultMessage): Promise<void> {
    // Locally the message is applied directly (reloadOwner above); others get it through Redis.
    if (!this.redis.enabled) return;
    try {
      await this.redis.publish(CHANNEL, JSON.stringify({ ...message, from: this.instance }));
    } catch (err) {
      this.logger.warn(`could not tell other instances about a vault change: ${(err as Error).message}`);
    }
  }

  private onMessage(message: VaultMessage): void {
    if (message.from === this.instance) return;
    switch (message.kind) {
      case 'owner':
        void this.reloadOwner(message.owner).catch((err: unknown) =>
          this.logger.warn(`reload of ${message.owner} failed: ${(err as Error).message}`),
        );
        break;
      case 'all':
        void this.reloadAll().catch((err: unknown) =>
          this.logger.warn(`reload failed: ${(err as Error).message}`),
        );
        break;
      case 'cooldown':
        this.health.noteCooldown(message.id, message.until);
        break;
      case 'invalid':
        this.health.noteInvalid(message.id, message.ttlMs);
        break;
      case 'reselect':
        this.health.noteReselect(message.owner, message.provider);
        break;
    }
  }
}
