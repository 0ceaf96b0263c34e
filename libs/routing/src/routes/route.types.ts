/** How a route orders its targets for one call; the rest follow as failover. */
export const TARGET_STRATEGIES = [
  'fallback',
  'weighted',
  'round-robin',
  'least-busy',
  'least-latency',
  'lowest-cost',
] as const;
export type TargetStrategyName = (typeof TARGET_STRATEGIES)[number];

/**
 * Strategies libs/orchestration runs (several models per call, like `auto`): the route stores
 * the strategy and its `strategy_params`; routing never runs them (decision 0012).
 */
export const ORCHESTRATION_ROUTE_STRATEGIES = ['mix', 'vote', 'chain'] as const;
export type OrchestrationRouteStrategy = (typeof ORCHESTRATION_ROUTE_STRATEGIES)[number];

export const ROUTE_STRATEGIES = [...TARGET_STRATEGIES, ...ORCHESTRATION_ROUTE_STRATEGIES] as const;
export type RouteStrategyName = (typeof ROUTE_STRATEGIES)[number];

export function isOrchestrationStrategy(name: string): name is OrchestrationRouteStrategy {
  return (ORCHESTRATION_ROUTE_STRATEGIES as readonly string[]).includes(name);
}

/**
 * The models of an orchestration route's steps (model names as for targets), named like the
 * steps of an `auto` plan: vote `voters` and `judge`; mix `reasoner` and `answerer`; chain
 * `draft`, `critique` and `refine` (default: the drafter).
 */
export interface RouteStrategyParams {
  voters?: string[];
  judge?: string;
  /** vote: answers needed (default: the policy's, at most the voters). */
  quorum?: number;
  /** vote: each voter's time budget, ms (default: the policy's). */
  budget_ms?: number;
  reasoner?: string;
  answerer?: string;
  draft?: string;
  critique?: string;
  refine?: string;
}

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
  /** mix, vote, chain: the models of each step (the targets are these models, for listing and keys). */
  strategyParams?: RouteStrategyParams | null;
}
