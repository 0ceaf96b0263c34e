import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { AppConfig, InvalidRequestError, PermissionDeniedError } from '@switchyard/core';
import {
  ModelResolver,
  type CapabilityRequest,
  type KeyScope,
  type ResolvedModel,
} from '@switchyard/providers';
import { assertModelAllowed, modelAllowed } from './model-access.js';
import {
  ROUTE_STRATEGY_IMPLEMENTATIONS,
  type Candidate,
  type StrategyContext,
} from './routes/route-strategies.js';
import { RouteRegistry } from './routes/route.registry.js';
import type { KeyStrategy, RouteDefinition } from './routes/route.types.js';
import { PerformanceTracker } from './tracker/performance-tracker.js';

/** A target as planned: a resolved model, plus what a route says about it. */
export interface PlannedTarget extends ResolvedModel {
  /** The route the caller named, when the target came from one. */
  readonly route?: string;
  /** Request fields the route sets for this target, over the caller's. */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** How the vault keys of this target's provider are spread (default `ordered`). */
  readonly keyStrategy?: KeyStrategy;
  /** Whether a broken stream may be finished on the next target (routes: on by default). */
  readonly streamFailover?: boolean;
  /** The route's response-cache TTL (seconds), when it sets one (docs/cache.md). */
  readonly cacheTtlSeconds?: number;
}

/** Output tokens assumed for `lowest-cost` when the request sets no maximum. */
const NOMINAL_OUTPUT_TOKENS = 256;

/**
 * Turns what the caller asked for (`model`, or `models: [...]` in order, or a route name) plus the
 * operator's per-model fallbacks (MODEL_FALLBACKS) into the ordered list of targets a call may
 * use. The first name must resolve, be allowed for the key and support the request (else
 * 404/403/400); later ones that don't are left out quietly, since they are only alternatives.
 * A route expands into its targets in the order its strategy chooses for this call.
 */
@Injectable()
export class TargetPlanner {
  private readonly fallbacks: Record<string, string[]>;

  constructor(
    config: AppConfig,
    private readonly resolver: ModelResolver,
    private readonly routes: RouteRegistry,
    private readonly tracker: PerformanceTracker,
  ) {
    this.fallbacks = config.routing.fallbacks;
  }

  plan(
    caller: Caller,
    names: readonly string[],
    request: CapabilityRequest,
    scope: KeyScope,
  ): PlannedTarget[] {
    const [first, ...rest] = names;
    const route = this.routes.find(first!, caller.tenantId);
    const targets: PlannedTarget[] = route
      ? this.routeTargets(caller, route, request, scope)
      : [this.primary(caller, first!, request, scope)];
    const seen = new Set(targets.map((t) => t.id));
    const primary = targets[0]!;
    const candidates = [...rest, ...(route ? [] : names.flatMap((n) => this.fallbacksOf(n, primary)))];
    for (const name of candidates) {
      const target = this.resolver.tryResolve(name, scope);
      if (!target || seen.has(target.id) || !modelAllowed(caller.apiKey?.allowedModels, target)) continue;
      try {
        this.resolver.assertSupports(target, request, scope);
      } catch {
        continue;
      }
      seen.add(target.id);
      targets.push(target);
    }
    return targets;
  }

  private primary(caller: Caller, name: string, request: CapabilityRequest, scope: KeyScope): ResolvedModel {
    const primary = this.resolver.resolve(name, scope);
    assertModelAllowed(caller, primary);
    this.resolver.assertSupports(primary, request, scope);
    return primary;
  }

  /**
   * A route's targets that may serve this request, in its strategy's order. The key's allowed
   * models apply to the route's name and to each target it reaches (see `wholeRoute`).
   */
  private routeTargets(
    caller: Caller,
    route: RouteDefinition,
    request: CapabilityRequest,
    scope: KeyScope,
  ): PlannedTarget[] {
    // A key whose list names the route may use all its targets through it; otherwise only the
    // targets its list admits (and none at all is a 403).
    const allowed = caller.apiKey?.allowedModels;
    const wholeRoute = !allowed || allowed.includes(route.name);
    const candidates: Candidate[] = [];
    let refusedByKey = 0;
    let unsupported: Error | undefined;
    for (const target of route.targets) {
      if (target.weight === 0 && route.strategy === 'weighted') continue;
      const resolved = this.resolver.tryResolve(target.model, scope);
      if (!resolved) continue;
      if (!wholeRoute && !modelAllowed(allowed, resolved)) {
        refusedByKey++;
        continue;
      }
      try {
        this.resolver.assertSupports(resolved, request, scope);
      } catch (err) {
        unsupported ??= err as Error;
        continue;
      }
      if (candidates.some((c) => c.resolved.id === resolved.id)) continue;
      candidates.push({ target, resolved });
    }
    if (candidates.length === 0) {
      if (unsupported) throw unsupported;
      if (refusedByKey > 0) {
        throw new PermissionDeniedError(
          `This API key is not allowed to use any target of the route '${route.name}'.`,
          { code: 'model_not_allowed', param: 'model' },
        );
      }
      throw new InvalidRequestError(`No target of the route '${route.name}' is available.`, {
        code: 'route_unavailable',
        param: 'model',
      });
    }
    const ordered = ROUTE_STRATEGY_IMPLEMENTATIONS[route.strategy].order(
      candidates,
      this.context(route, request),
    );
    return ordered.map(({ target, resolved }) => ({
      ...resolved,
      requested: route.name,
      route: route.name,
      ...(target.timeoutMs !== undefined ? { timeoutMs: target.timeoutMs } : {}),
      ...(target.params !== undefined ? { overrides: target.params } : {}),
      keyStrategy: route.keyStrategy,
      streamFailover: route.streamFailover,
      ...(route.cacheTtlSeconds ? { cacheTtlSeconds: route.cacheTtlSeconds } : {}),
    }));
  }

  private context(route: RouteDefinition, request: CapabilityRequest): StrategyContext {
    const body = 'body' in request ? (request.body as Record<string, unknown> | undefined) : undefined;
    const max = body?.['max_completion_tokens'] ?? body?.['max_tokens'];
    return {
      tracker: this.tracker,
      // A byte-size estimate (4 bytes a token) is enough to rank prices; only lowest-cost reads it.
      get promptTokens() {
        return body ? Math.ceil(JSON.stringify(body).length / 4) : 0;
      },
      outputTokens: typeof max === 'number' && max > 0 ? max : NOMINAL_OUTPUT_TOKENS,
      turn: () => this.routes.turn(route.id),
      random: Math.random,
    };
  }

  private fallbacksOf(name: string, primary: ResolvedModel): string[] {
    return this.fallbacks[name] ?? (name === primary.requested ? (this.fallbacks[primary.id] ?? []) : []);
  }
}
