/** The three roles, from most to least powerful. */
export const ROLES = ['platform_admin', 'tenant_admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { platform_admin: 3, tenant_admin: 2, member: 1 };

/** True when `role` is at least `required` (platform_admin > tenant_admin > member). */
export function hasRole(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

/** A Switchyard API key as the hot path needs it: no secret, no hash. */
export interface CallerApiKey {
  id: string;
  name: string;
  /** Model ids (or `provider/*` patterns) the key may call; null = any. */
  allowedModels: string[] | null;
  rpm: number | null;
  tpm: number | null;
  /** Credit budget in micro-credits; null = no budget beyond the owner's balance. */
  creditBudget: bigint | null;
  /** Response-cache TTL for this key's chat calls (docs/cache.md); null or absent = not cached. */
  cacheTtlSeconds?: number | null;
}

/** Who is calling: resolved once per request by the caller guard, from a JWT or an API key. */
export interface Caller {
  kind: 'user' | 'api_key';
  userId: string;
  tenantId: string;
  role: Role;
  email: string;
  /** The tenant's default requests per minute, when it has one. */
  tenantRpm: number | null;
  apiKey?: CallerApiKey;
}

/**
 * Which tenants' rows a repository call may see. Every repository method over tenant data takes
 * one as its first argument, so a query that forgets the tenant does not compile.
 */
export type TenantScope = { readonly kind: 'tenant'; readonly tenantId: string } | { readonly kind: 'all' };

/** Platform admins see every tenant; everybody else only their own. */
export function scopeOf(caller: Caller): TenantScope {
  return caller.role === 'platform_admin' ? { kind: 'all' } : { kind: 'tenant', tenantId: caller.tenantId };
}

export function tenantScope(tenantId: string): TenantScope {
  return { kind: 'tenant', tenantId };
}
