import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { LoadingCache, PermissionDeniedError, RedisService, SettingsService } from '@switchyard/core';
import { DEFAULT_POLICY } from './default-policy.js';
import type { OrchestrationPolicy, PolicyOverride } from './policy.types.js';
import { mergePolicy, validatePolicy } from './policy.validation.js';

const PLATFORM_KEY = 'orchestration.policy';
const tenantKey = (tenantId: string) => `orchestration.policy.tenant:${tenantId}`;
export const POLICY_CHANNEL = 'sy:orchestration:policy';
/** The platform's entry in the cache (tenant ids are UUIDs, so this cannot collide). */
const PLATFORM = '*';
const CACHE_MS = 30_000;

/** Where the policy a tenant gets comes from. */
export type PolicySource = 'default' | 'platform' | 'tenant';

/** What GET /api/v1/orchestration/policy answers. */
export interface PolicyView {
  scope: 'platform' | 'tenant';
  /** The platform's: its policy (the shipped default until an admin sets one). A tenant's: its override, or null. */
  policy: OrchestrationPolicy | PolicyOverride | null;
  /** The policy this scope's calls get (a tenant: the platform's with its override). */
  effective: OrchestrationPolicy;
  source: PolicySource;
}

/**
 * The orchestration policy: the platform's (the shipped default until an admin replaces it) and
 * each tenant's override, in the settings table. Read on every `auto` call from a cache that a
 * change empties on every instance (through Redis when configured).
 */
@Injectable()
export class PolicyService implements OnModuleInit {
  private readonly cache = new LoadingCache<string, { value: unknown }>(10_000, CACHE_MS);

  constructor(
    private readonly settings: SettingsService,
    private readonly redis: RedisService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.redis.subscribe(POLICY_CHANNEL, (key) => this.cache.delete(key));
  }

  /** The policy a tenant's calls get, and where it comes from. */
  async effective(tenantId: string): Promise<{ policy: OrchestrationPolicy; source: PolicySource }> {
    const platform = await this.platform();
    const override = await this.override(tenantId);
    return {
      policy: mergePolicy(platform.policy, override),
      source: override ? 'tenant' : platform.source,
    };
  }

  async view(caller: Caller): Promise<PolicyView> {
    if (caller.role === 'platform_admin') {
      const platform = await this.platform();
      return {
        scope: 'platform',
        policy: platform.policy,
        effective: platform.policy,
        source: platform.source,
      };
    }
    const override = (await this.override(caller.tenantId)) ?? null;
    const { policy, source } = await this.effective(caller.tenantId);
    return { scope: 'tenant', policy: override, effective: policy, source };
  }

  /** A platform admin replaces the platform's policy; a tenant admin sets the tenant's override. */
  async put(caller: Caller, body: unknown): Promise<PolicyView> {
    if (caller.role === 'platform_admin') {
      const policy = validatePolicy(body, false);
      await this.write(PLATFORM, PLATFORM_KEY, policy);
    } else {
      this.assertTenantAdmin(caller);
      const override = validatePolicy(body, true);
      await this.write(caller.tenantId, tenantKey(caller.tenantId), override);
    }
    return this.view(caller);
  }

  /** Back to the shipped default (platform) or to no override (tenant). */
  async reset(caller: Caller): Promise<PolicyView> {
    if (caller.role === 'platform_admin') await this.remove(PLATFORM, PLATFORM_KEY);
    else {
      this.assertTenantAdmin(caller);
      await this.remove(caller.tenantId, tenantKey(caller.tenantId));
    }
    return this.view(caller);
  }

  private assertTenantAdmin(caller: Caller): void {
    if (caller.role !== 'tenant_admin' || caller.kind !== 'user')
      throw new PermissionDeniedError('Only an admin can change the orchestration policy.');
  }

  private async platform(): Promise<{ policy: OrchestrationPolicy; source: PolicySource }> {
    const stored = await this.read<OrchestrationPolicy>(PLATFORM, PLATFORM_KEY);
    return stored ? { policy: stored, source: 'platform' } : { policy: DEFAULT_POLICY, source: 'default' };
  }

  private override(tenantId: string): Promise<PolicyOverride | undefined> {
    return this.read<PolicyOverride>(tenantId, tenantKey(tenantId));
  }

  private async read<T>(cacheKey: string, key: string): Promise<T | undefined> {
    // One read for all the calls that miss at once; a read a change overtook is not kept.
    const entry =
      this.cache.cached(cacheKey) ??
      (await this.cache.get(cacheKey, async () => ({ value: await this.settings.get<T>(key) })));
    return entry!.value as T | undefined;
  }

  private async write(cacheKey: string, key: string, value: unknown): Promise<void> {
    await this.settings.set(key, value);
    this.cache.delete(cacheKey);
    await this.redis.publish(POLICY_CHANNEL, cacheKey);
  }

  private async remove(cacheKey: string, key: string): Promise<void> {
    await this.settings.delete(key);
    this.cache.delete(cacheKey);
    await this.redis.publish(POLICY_CHANNEL, cacheKey);
  }
}
