/** How a route orders its targets for one call; the rest follow as failover. */
export const ROUTE_STRATEGIES = [
  'fallback',
  'weighted',
  'round-robin',
  'least-busy',
  'least-latency',
  'lowest-cost',
] as const;
export type RouteStrategyName = (typeof ROUTE_STRATEGIES)[number];

/** How the vault keys of one provider are spread over calls. */
export const KEY_STRATEGIES = ['ordered', 'round-robin', 'least-used'] as const;
export type KeyStrategy = (typeof KEY_STRATEGIES)[number];

/** One target of a route. */
export interface RouteTarget {
  /** A model name that resolves: `provider/model`, a catalog id or an alias. */
  model: string;
  /** For `weighted`: relative share (default 1). */
  weight?: number;
  /** Request fields set for this target (e.g. `temperature`), over the caller's. */
  params?: Record<string, unknown>;
  /** The upstream timeout for this target, instead of the provider's. */
  timeoutMs?: number;
}

/** A named virtual model, as the registry holds it. */
export interface RouteDefinition {
  id: string;
  /** null: a platform route (every tenant); else the tenant's own. */
  tenantId: string | null;
  name: string;
  description: string | null;
  strategy: RouteStrategyName;
  keyStrategy: KeyStrategy;
  /** Whether a stream that breaks after its first byte is finished on the next target. */
  streamFailover: boolean;
  /** Response-cache TTL of chat calls through this route (seconds); null = not cached unless asked. */
  cacheTtlSeconds?: number | null;
  targets: RouteTarget[];
}
