import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ActivityLogService, actorOf } from '@switchyard/activity-log';
import {
  boundedLru,
  parseCredits,
  NotFoundError,
  PermissionDeniedError,
  page,
  type Page,
  type PageQueryDto,
} from '@switchyard/core';
import { hasRole, scopeOf, type Caller } from '../caller.js';
import { API_KEY_PREFIX, sha256 } from '../crypto.js';
import type { CreateApiKeyDto, UpdateApiKeyDto } from '../dto/api-key.dto.js';
import { ApiKeyView, CreatedApiKeyView } from '../dto/api-key.dto.js';
import type { ApiKeyEntity } from '../entities/api-key.entity.js';
import { ApiKeyRepository } from '../repositories/api-key.repository.js';
import { UserRepository } from '../repositories/user.repository.js';
import { ApiKeyTags } from './api-key-tags.service.js';
import { AuthCache, type CachedKey } from './auth-cache.service.js';
import { ConfiguredApiKeys } from './configured-api-keys.service.js';

export { API_KEY_PREFIX } from '../crypto.js';
const LAST_USED_FLUSH_MS = 10_000;

@Injectable()
export class ApiKeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly lastUsed = new Map<string, Date>();
  /** Keys that passed the tag check, with their hash: a warm key costs no HMAC and no SHA-256. */
  private readonly hashes = boundedLru<string, string>(10_000);
  private flushTimer?: NodeJS.Timeout;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly users: UserRepository,
    private readonly cache: AuthCache,
    private readonly activity: ActivityLogService,
    private readonly tags: ApiKeyTags,
    private readonly configured: ConfiguredApiKeys,
  ) {}

  onModuleInit(): void {
    this.flushTimer = setInterval(() => void this.flushLastUsed(), LAST_USED_FLUSH_MS);
    this.flushTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushLastUsed();
  }

  /**
   * Resolves a presented secret to its caller, or null. First the tag, in constant time and with
   * no I/O: a secret this deployment did not issue (wrong tag, wrong format) is refused before any
   * cache or database lookup, so a flood of made-up keys costs the database nothing. Then a warm
   * key (valid or not) reads no database; a cold one costs one query joining key, owner and tenant.
   */
  /**
   * True for a key that cannot be one of ours: its tag does not verify (decision 0006). Cheap
   * enough to run before the request body is read.
   */
  forged(secret: string): boolean {
    return !this.hashes.has(secret) && !this.tags.check(secret) && !this.configured.match(secret);
  }

  /**
   * True when `secret` is one of the API_KEYS keys (decision 0018): an exact match of its hash
   * against the listed keys' hashes in memory, so such a key is taken for an API key even without
   * the `sk-sy-` prefix. No I/O; any other value (a JWT) is unaffected.
   */
  isConfigured(secret: string): boolean {
    return this.hashes.has(secret) || this.configured.match(secret) !== undefined;
  }

  async verify(secret: string): Promise<Caller | null> {
    let hash = this.hashes.get(secret);
    if (hash === undefined) {
      // A tagged key first (decision 0006), then an exact API_KEYS match; anything else is refused
      // here, without I/O.
      hash = this.tags.check(secret) ? sha256(secret) : this.configured.match(secret);
      if (hash === undefined) return null;
      this.hashes.set(secret, hash);
    }
    const entry = this.cache.keys.cached(hash) ?? (await this.cache.keys.get(hash, () => this.load(hash)));
    if (!entry) return null;
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) return null;
    this.lastUsed.set(entry.caller.apiKey!.id, new Date());
    return entry.caller;
  }

  private async load(hash: string): Promise<CachedKey | false> {
    const row = await this.keys.findForAuth(hash);
    if (!row || row.revoked_at || row.user_status !== 'active' || row.tenant_status !== 'active')
      return false;
    return {
      expiresAt: row.expires_at ? new Date(row.expires_at).getTime() : null,
      caller: {
        kind: 'api_key',
        userId: row.user_id,
        tenantId: row.tenant_id,
        role: row.role,
        email: row.email,
        tenantRpm: row.default_rpm,
        apiKey: {
          id: row.id,
          name: row.name,
          allowedModels: row.allowed_models,
          rpm: row.rpm,
          tpm: row.tpm,
          creditBudget: row.credit_budget === null ? null : BigInt(row.credit_budget),
          cacheTtlSeconds: row.cache_ttl_seconds,
        },
      },
    };
  }

  async create(caller: Caller, dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    let ownerId = caller.userId;
    let tenantId = caller.tenantId;
    if (dto.user_id && dto.user_id !== caller.userId) {
      if (!hasRole(caller.role, 'tenant_admin')) {
        throw new PermissionDeniedError('Only admins can create keys for other users.', { param: 'user_id' });
      }
      const owner = await this.users.findById(scopeOf(caller), dto.user_id);
      if (!owner) throw new NotFoundError(`No user with id ${dto.user_id}.`, { param: 'user_id' });
      ownerId = owner.id;
      tenantId = owner.tenantId;
    }
    const secret = this.tags.issue();
    const entity = await this.keys.create({
      tenantId,
      userId: ownerId,
      name: dto.name,
      prefix: secret.slice(0, API_KEY_PREFIX.length + 4),
      last4: secret.slice(-4),
      keyHash: sha256(secret),
      allowedModels: dto.allowed_models ?? null,
      rpm: dto.rpm ?? null,
      tpm: dto.tpm ?? null,
      creditBudget: dto.creditBudgetMicros() ?? null,
      cacheTtlSeconds: dto.cache_ttl_seconds ?? null,
      expiresAt: dto.expires_at ? new Date(dto.expires_at) : null,
    });
    // A hash remembered as unknown (someone tried this exact secret before) must not linger.
    await this.cache.invalidateKey(entity.keyHash);
    this.activity.record({
      action: 'API_KEY_CREATED',
      tenantId,
      actor: actorOf(caller),
      description: `API key "${entity.name}" created.`,
      metadata: { api_key_id: entity.id, name: entity.name, user_id: ownerId },
    });
    return CreatedApiKeyView.fromCreated(entity, secret);
  }

  async list(caller: Caller, query: PageQueryDto): Promise<Page<ApiKeyView>> {
    const [rows, total] = await this.keys.list(
      scopeOf(caller),
      this.ownerFilter(caller),
      query.limit,
      query.offset,
    );
    return page(
      rows.map((k) => ApiKeyView.from(k)),
      total,
      query,
    );
  }

  async get(caller: Caller, id: string): Promise<ApiKeyView> {
    return ApiKeyView.from(await this.find(caller, id));
  }

  /** Changes a key's name or limits; the change holds at once on every instance (cache dropped). */
  async update(caller: Caller, id: string, dto: UpdateApiKeyDto): Promise<ApiKeyView> {
    const key = await this.find(caller, id);
    const values: Parameters<ApiKeyRepository['update']>[2] = {};
    if (dto.name !== undefined) values.name = dto.name;
    if (dto.expires_at !== undefined) values.expiresAt = dto.expires_at ? new Date(dto.expires_at) : null;
    if (dto.allowed_models !== undefined) values.allowedModels = dto.allowed_models;
    if (dto.rpm !== undefined) values.rpm = dto.rpm;
    if (dto.tpm !== undefined) values.tpm = dto.tpm;
    if (dto.credit_budget !== undefined)
      values.creditBudget = dto.credit_budget === null ? null : parseCredits(dto.credit_budget);
    if (dto.cache_ttl_seconds !== undefined) values.cacheTtlSeconds = dto.cache_ttl_seconds;
    if (Object.keys(values).length > 0) {
      await this.keys.update(scopeOf(caller), key.id, values);
      await this.cache.invalidateKey(key.keyHash);
    }
    return ApiKeyView.from((await this.keys.findById(scopeOf(caller), id))!);
  }

  async revoke(caller: Caller, id: string): Promise<ApiKeyView> {
    const key = await this.find(caller, id);
    await this.keys.revoke(scopeOf(caller), key.id);
    await this.cache.invalidateKey(key.keyHash);
    if (!key.revokedAt) {
      this.activity.record({
        action: 'API_KEY_REVOKED',
        tenantId: key.tenantId,
        actor: actorOf(caller),
        description: `API key "${key.name}" revoked.`,
        metadata: { api_key_id: key.id, name: key.name, user_id: key.userId },
      });
    }
    return ApiKeyView.from((await this.keys.findById(scopeOf(caller), id))!);
  }

  private async find(caller: Caller, id: string): Promise<ApiKeyEntity> {
    const key = await this.keys.findById(scopeOf(caller), id, this.ownerFilter(caller));
    if (!key) throw new NotFoundError(`No API key with id ${id}.`);
    return key;
  }

  /** Members see and manage only their own keys. */
  private ownerFilter(caller: Caller): string | undefined {
    return hasRole(caller.role, 'tenant_admin') ? undefined : caller.userId;
  }

  /** last_used_at is written in batches, never per request. */
  async flushLastUsed(): Promise<void> {
    if (this.lastUsed.size === 0) return;
    const entries = [...this.lastUsed].map(([id, at]) => ({ id, at }));
    this.lastUsed.clear();
    try {
      await this.keys.touchMany(entries);
    } catch (err) {
      this.logger.warn(`could not record API key use: ${(err as Error).message}`);
    }
  }
}
