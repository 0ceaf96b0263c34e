import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ActivityLogService, SYSTEM_ACTOR, maskKey, type ActivityAction } from '@switchyard/activity-log';
import { AppConfig } from '@switchyard/core';
import {
  CatalogService,
  EnvKeySource,
  ProviderEnvironment,
  REQUEST_KEY_ID,
  type KeyEventContext,
  type KeyScope,
  type KeySource,
  type ProviderCredentials,
  type ProviderError,
} from '@switchyard/providers';
import { KeyHealthStore, VAULT_INVALID_TTL_MS } from './key-health.store.js';
import { orderKeys } from './key-order.js';
import { ProviderKeyRepository } from './provider-key.repository.js';
import { VaultIndex, type IndexedKey } from './vault-index.js';

const USAGE_FLUSH_MS = 10_000;

/** A failure as the vault's bookkeeping sees it. */
interface FailureFacts {
  kind: ProviderError['kind'];
  upstreamStatus?: number;
  retryAfterMs?: number;
}

/**
 * Provider credentials from the vault, in failover order: the request's own key (X-Provider-Key),
 * then the caller's pool, the tenant's and the platform's (each: its selected key, then the rest
 * in creation order), then the environment's key. Keys that are invalid, disabled or cooling
 * down are skipped. Replaces EnvKeySource under KEY_SOURCE and records what failover learns.
 */
@Injectable()
export class VaultKeySource
  implements KeySource, OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('KeyVault');
  private readonly used = new Map<string, Date>();
  private readonly resets = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private usageTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly index: VaultIndex,
    private readonly health: KeyHealthStore,
    private readonly repo: ProviderKeyRepository,
    private readonly activity: ActivityLogService,
    private readonly catalog: CatalogService,
    private readonly environment: ProviderEnvironment,
    private readonly env: EnvKeySource,
  ) {}

  onModuleInit(): void {
    this.usageTimer = setInterval(() => void this.flushUsage(), USAGE_FLUSH_MS);
    this.usageTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.usageTimer);
    await Promise.allSettled([...this.inFlight]);
    await this.flushUsage();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.flushUsage();
  }

  isAvailable(providerId: string, scope: KeyScope): boolean {
    // A tenant's runtime provider does not exist for other tenants' callers.
    if (!this.catalog.provider(providerId, scope.tenantId)) return false;
    return (
      this.index.ordered(providerId, scope).some((k) => this.credentialsOf(k) !== undefined) ||
      this.env.isAvailable(providerId, scope)
    );
  }

  async keysFor(providerId: string, scope: KeyScope): Promise<ProviderCredentials[]> {
    if (!this.catalog.provider(providerId, scope.tenantId)) return [];
    const fromEnv = await this.env.keysFor(providerId, scope);
    // One pass each, no intermediate arrays: this runs for every model call (issue 20).
    const candidates: ProviderCredentials[] = [];
    const ids: string[] = [];
    for (const key of this.index.ordered(providerId, scope)) {
      const c = this.credentialsOf(key);
      if (c === undefined) continue;
      candidates.push(c);
      ids.push(healthId(c.keyId!, providerId));
    }
    for (const c of fromEnv) {
      if (c.keyId === REQUEST_KEY_ID) continue;
      candidates.push(c);
      ids.push(healthId(c.keyId!, providerId));
    }
    return orderKeys(fromEnv, candidates, ids, await this.health.unusable(ids));
  }

  async reportFailure(
    credentials: ProviderCredentials,
    error: ProviderError,
    context: KeyEventContext,
  ): Promise<void> {
    const facts: FailureFacts = {
      kind: error.kind,
      upstreamStatus: error.upstreamStatus,
      retryAfterMs: error.retryAfterMs,
    };
    await this.recordFailure(credentials, error.provider, facts, context);
  }

  /** The failure bookkeeping, shared with the test endpoint. */
  async recordFailure(
    credentials: ProviderCredentials,
    providerId: string,
    facts: FailureFacts,
    context: KeyEventContext,
  ): Promise<void> {
    // The caller's own key is the caller's business; nothing to remember about it.
    if (!credentials.keyId || credentials.keyId === REQUEST_KEY_ID) return;
    const keyId = healthId(credentials.keyId, providerId);
    switch (facts.kind) {
      case 'auth':
      case 'permission':
        await this.invalidate(keyId, credentials, providerId, facts, context);
        return;
      case 'rate_limit':
      case 'quota':
        await this.coolDown(keyId, credentials, providerId, facts, context);
        return;
      case 'bad_request':
      case 'context_length':
      case 'content_filter':
      case 'not_found':
      case 'server':
      case 'timeout':
      case 'network':
      case 'aborted':
        // These say nothing about the key: the request is wrong, or the provider is failing
        // (its circuit breaker deals with that).
        return;
    }
  }

  reportSuccess(
    credentials: ProviderCredentials,
    context: KeyEventContext,
    failover?: { failedKeyIds: readonly string[] },
  ): void {
    const key = credentials.keyId ? this.index.get(credentials.keyId) : undefined;
    if (!key) return;
    this.used.set(key.id, new Date());
    if (key.failureCount > 0) {
      key.failureCount = 0;
      this.resets.add(key.id);
      this.track(this.health.resetStreak(key.id), context);
    }
    // The key that served after vault keys failed in this call becomes its pool's selection, so
    // the next call starts with it (the Hyper AI Gateway's rule), and the log shows which key
    // is now in use.
    if (!key.selected && failover?.failedKeyIds.some((id) => id !== key.id && this.index.get(id))) {
      this.track(this.selectAfterFailover(key, context), context);
      return;
    }
    if (
      this.health.reselectPending(key.ownerKey, key.provider) &&
      !this.index.keys(key.ownerKey, key.provider).some((k) => k.selected)
    ) {
      this.track(this.reselect(key, context), context);
    }
  }

  async reportExhausted(providerId: string, context: KeyEventContext): Promise<void> {
    const keys = this.index.ordered(providerId, { tenantId: context.tenantId, userId: context.userId });
    const states = { invalid: 0, disabled: 0, other: 0 };
    for (const k of keys) {
      if (k.status === 'invalid') states.invalid++;
      else if (k.status === 'disabled') states.disabled++;
      else states.other++;
    }
    this.activity.record({
      action: 'EXHAUSTED',
      tenantId: context.tenantId ?? null,
      actor: this.actorOf(context),
      provider: providerId,
      description: `No usable key left for ${providerId}: every key is invalid, disabled or cooling down.`,
      requestId: context.requestId,
      ip: context.ip,
      metadata: { vault_keys: keys.length, ...states },
    });
  }

  /**
   * Usable credentials for an indexed key, or undefined (not active, undecryptable, no usable URL,
   * or its provider is a runtime provider its owner cannot see: a platform key never goes to a
   * tenant's runtime provider, whatever its id).
   */
  credentialsOf(key: IndexedKey): ProviderCredentials | undefined {
    if (!VaultIndex.usable(key)) return undefined;
    const provider = this.catalog.provider(key.provider, key.tenantId);
    const endpoint = this.environment.endpoint(key.provider);
    if (!provider || !endpoint) return undefined;
    if (!key.baseUrl && provider.baseUrlRequired && !endpoint.baseUrlConfigured) return undefined;
    return {
      apiKey: key.secret!,
      baseUrl: key.baseUrl ?? endpoint.baseUrl,
      keyId: key.id,
      ...(endpoint.headers ? { headers: endpoint.headers } : {}),
    };
  }

  private async invalidate(
    keyId: string,
    credentials: ProviderCredentials,
    providerId: string,
    facts: FailureFacts,
    context: KeyEventContext,
  ): Promise<void> {
    const key = await this.index.find(keyId);
    if (!key) {
      // An environment key cannot be changed from here; it rests as long as the longest cooldown.
      if (!(await this.health.markInvalid(keyId, this.config.vault.cooldownMaxMs))) return;
      await this.index.broadcastInvalid(keyId, this.config.vault.cooldownMaxMs);
      this.event('INVALID', credentials, providerId, null, context, {
        description: `The provider refused the environment key (${facts.kind}); it is skipped for ${Math.round(this.config.vault.cooldownMaxMs / 1000)} s.`,
        metadata: { source: 'environment', kind: facts.kind, upstream_status: facts.upstreamStatus },
      });
      return;
    }
    // Every instance skips it at once (the mark in Redis, and pub/sub for the instances that read
    // its marks less than a second ago); the database update below makes it durable.
    if (await this.health.markInvalid(keyId)) await this.index.broadcastInvalid(keyId, VAULT_INVALID_TTL_MS);
    const change = await this.repo.markInvalid(keyId, facts.kind);
    if (!change) return;
    key.status = 'invalid';
    this.event('INVALID', credentials, providerId, key, context, {
      description: `The provider refused key "${key.name}" (${facts.kind}${facts.upstreamStatus ? ` ${facts.upstreamStatus}` : ''}); it is marked invalid.`,
      metadata: { kind: facts.kind, upstream_status: facts.upstreamStatus },
    });
    if (change.wasSelected) {
      key.selected = false;
      this.event('UNSELECT', credentials, providerId, key, context, {
        description: `Key "${key.name}" is no longer selected: it is invalid. The next key that works becomes selected.`,
        metadata: { reason: 'invalid' },
      });
      await this.health.requestReselect(key.ownerKey, key.provider);
      await this.index.broadcastReselect(key.ownerKey, key.provider);
    }
    await this.index.changed(key.ownerKey);
  }

  private async coolDown(
    keyId: string,
    credentials: ProviderCredentials,
    providerId: string,
    facts: FailureFacts,
    context: KeyEventContext,
  ): Promise<void> {
    const { cooldownBaseMs, cooldownMaxMs } = this.config.vault;
    let ms = facts.retryAfterMs;
    let streak: number | undefined;
    if (ms === undefined || ms <= 0) {
      streak = await this.health.rateLimitStreak(keyId);
      ms = cooldownBaseMs * 2 ** Math.min(streak - 1, 20);
    }
    ms = Math.max(1, Math.min(ms, cooldownMaxMs));
    if (!(await this.health.coolDown(keyId, ms))) return;
    const until = new Date(Date.now() + ms);
    await this.index.broadcastCooldown(keyId, until.getTime());
    const key = (await this.index.find(keyId)) ?? null;
    if (key) {
      key.failureCount++;
      await this.repo.recordCooldown(keyId, until, facts.kind);
    }
    const what = key ? `key "${key.name}"` : 'the environment key';
    this.event('COOLDOWN', credentials, providerId, key, context, {
      description: `The provider rate-limited ${what} (${facts.kind}); it rests for ${formatMs(ms)}, until ${until.toISOString()}.`,
      metadata: {
        kind: facts.kind,
        upstream_status: facts.upstreamStatus,
        until: until.toISOString(),
        cooldown_ms: ms,
        retry_after_ms: facts.retryAfterMs ?? null,
        ...(streak !== undefined ? { streak } : {}),
        ...(key ? {} : { source: 'environment' }),
      },
    });
  }

  private async selectAfterFailover(key: IndexedKey, context: KeyEventContext): Promise<void> {
    const previous = await this.repo.select(key.id);
    if (previous === null || (previous.length === 0 && key.selected)) return;
    for (const p of previous) {
      const replaced = this.index.get(p.id);
      if (replaced) replaced.selected = false;
      this.activity.record({
        action: 'UNSELECT',
        tenantId: p.tenantId,
        actor: SYSTEM_ACTOR,
        provider: p.provider,
        keyId: p.id,
        keyHint: `…${p.last4}`,
        description: `Key "${replaced?.name ?? p.id}" is no longer selected: it failed and key "${key.name}" served instead.`,
        requestId: context.requestId,
        ip: context.ip,
        metadata: { reason: 'failover', selected_key_id: key.id },
      });
    }
    key.selected = true;
    this.event('SELECT', { apiKey: '', baseUrl: '', keyId: key.id }, key.provider, key, context, {
      description: `Key "${key.name}" is selected: it served after other keys failed.`,
      metadata: { reason: 'failover' },
    });
    await this.health.cancelReselect(key.ownerKey, key.provider);
    await this.index.changed(key.ownerKey);
  }

  private async reselect(key: IndexedKey, context: KeyEventContext): Promise<void> {
    if (!(await this.health.claimReselect(key.ownerKey, key.provider))) return;
    if (!(await this.repo.selectIfNoneSelected(key.id))) return;
    key.selected = true;
    this.event('SELECT', { apiKey: '', baseUrl: '', keyId: key.id }, key.provider, key, context, {
      description: `Key "${key.name}" is selected: it answered after the selected key failed.`,
      metadata: { reason: 'failover' },
    });
    await this.index.changed(key.ownerKey);
  }

  private event(
    action: ActivityAction,
    credentials: ProviderCredentials,
    providerId: string,
    key: IndexedKey | null,
    context: KeyEventContext,
    details: { description: string; metadata: Record<string, unknown> },
  ): void {
    this.activity.record({
      action,
      tenantId: key ? key.tenantId : (context.tenantId ?? null),
      actor: SYSTEM_ACTOR,
      provider: providerId,
      keyId: credentials.keyId ?? null,
      keyHint: key ? `…${key.last4}` : maskKey(credentials.apiKey),
      description: details.description,
      requestId: context.requestId,
      ip: context.ip,
      metadata: {
        ...details.metadata,
        ...(key ? { owner: key.ownerType } : {}),
        caller: { tenant_id: context.tenantId, user_id: context.userId, api_key_id: context.apiKeyId },
      },
    });
  }

  private actorOf(context: KeyEventContext) {
    if (context.apiKeyId) return { type: 'api_key' as const, id: context.apiKeyId, label: null };
    if (context.userId) return { type: 'user' as const, id: context.userId, label: null };
    return SYSTEM_ACTOR;
  }

  private track(promise: Promise<unknown>, context: KeyEventContext): void {
    const tracked = promise
      .catch((err: unknown) =>
        this.logger.warn(
          { req: { id: context.requestId } },
          `key bookkeeping failed: ${(err as Error).message}`,
        ),
      )
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Last-used times and streak resets are written every 10 s, never per request. */
  async flushUsage(): Promise<void> {
    if (this.used.size === 0 && this.resets.size === 0) return;
    const used = [...this.used].map(([id, at]) => ({ id, at }));
    const resets = [...this.resets];
    this.used.clear();
    this.resets.clear();
    try {
      await this.repo.recordUse(used, resets);
    } catch (err) {
      this.logger.warn(`could not record provider key use: ${(err as Error).message}`);
    }
  }
}

function formatMs(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * What a key's cooldowns and invalid marks are kept under. A vault key belongs to one provider,
 * so its id says it all. An environment key (`env:SIMULATOR_API_KEY`, `env:keyless`) can serve
 * several providers (the simulator's three wire formats, every keyless local server): a 429 from
 * one of them says nothing about the others, so its health is kept per provider.
 */
function healthId(keyId: string, providerId: string): string {
  return keyId.startsWith('env:') ? `${keyId}@${providerId}` : keyId;
}
