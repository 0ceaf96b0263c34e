import type { ResolvedModel } from '@switchyard/providers';
import type { PerformanceTracker } from '../tracker/performance-tracker.js';
import type { RouteStrategyName, RouteTarget } from './route.types.js';

/** A route target that resolved and may serve this request. */
export interface Candidate {
  target: RouteTarget;
  resolved: ResolvedModel;
}

/** What a strategy may look at besides the candidates. */
export interface StrategyContext {
  tracker: PerformanceTracker;
  /** The prompt's estimated tokens, for `lowest-cost`. */
  promptTokens: number;
  /** The output tokens the request may use, for `lowest-cost`. */
  outputTokens: number;
  /** A per-route counter (round-robin, ties of least-busy): each call takes the next value. */
  turn(): number;
  /** A number in [0, 1), for `weighted`. */
  random(): number;
}

/**
 * One route strategy: orders the candidates for one call. The first is tried first; the others
 * follow as failover, in the order the strategy prefers them.
 */
export interface RouteStrategy {
  order(candidates: readonly Candidate[], context: StrategyContext): Candidate[];
}

/** In the order the route lists them. */
const fallback: RouteStrategy = { order: (candidates) => [...candidates] };

/** Random by weight, without replacement: the first by weight, then the rest likewise. */
const weighted: RouteStrategy = {
  order(candidates, context) {
    const pool = [...candidates];
    const out: Candidate[] = [];
    while (pool.length > 0) {
      const total = pool.reduce((sum, c) => sum + weightOf(c), 0);
      let pick = context.random() * total;
      let index = pool.findIndex((c) => (pick -= weightOf(c)) < 0);
      if (index < 0) index = pool.length - 1;
      out.push(...pool.splice(index, 1));
    }
    return out;
  },
};

/** Each call starts one further along the list. */
const roundRobin: RouteStrategy = {
  order(candidates, context) {
    return rotate(candidates, context.turn());
  },
};

/** Fewest calls in flight on this instance; ties are taken in turn. */
const leastBusy: RouteStrategy = {
  order(candidates, context) {
    const rotated = rotate(candidates, context.turn());
    return stableSort(rotated, (c) => context.tracker.inFlight(c.resolved.id));
  },
};

/**
 * Lowest recent time to first token. A target with no recent measurement goes first, so every
 * target is measured; a target's figures age out of the five-minute window, so a slow one is
 * tried again later.
 */
const leastLatency: RouteStrategy = {
  order(candidates, context) {
    return stableSort(candidates, (c) => context.tracker.ttftMs(c.resolved.id) ?? -1);
  },
};

/**
 * Cheapest for this request's estimated tokens at list prices (an ordering, so plain numbers are
 * fine here; charges are computed in integer micro-credits elsewhere).
 */
const lowestCost: RouteStrategy = {
  order(candidates, context) {
    return stableSort(candidates, (c) => {
      const pricing = c.resolved.model.pricing;
      const input = Number(pricing.inputPerMTok);
      const output = Number(pricing.outputPerMTok);
      if (!Number.isFinite(input) || !Number.isFinite(output)) return Number.POSITIVE_INFINITY;
      return (context.promptTokens * input + context.outputTokens * output) / 1_000_000;
    });
  },
};

/**
 * mix, vote and chain are run by libs/orchestration on the chat path; anywhere else (e.g.
 * embeddings) their models are tried in order, like `fallback`.
 */
export const ROUTE_STRATEGY_IMPLEMENTATIONS: Readonly<Record<RouteStrategyName, RouteStrategy>> = {
  fallback,
  mix: fallback,
  vote: fallback,
  chain: fallback,
  weighted,
  'round-robin': roundRobin,
  'least-busy': leastBusy,
  'least-latency': leastLatency,
  'lowest-cost': lowestCost,
};

function weightOf(candidate: Candidate): number {
  return candidate.target.weight ?? 1;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const k = ((by % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function stableSort<T>(items: readonly T[], key: (item: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index, key: key(item) }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map((x) => x.item);
}
