export { RoutingModule, ROUTING_ENTITIES } from './routing.module.js';
export {
  FAILOVER_OBSERVER,
  UpstreamExecutor,
  callOptionsFor,
  type Attempt,
  type CallContext,
  type FailoverObserver,
  type Served,
  type UpstreamCallOptions,
} from './upstream-executor.js';
export { CircuitBreakers } from './circuit-breakers.js';
export { assertModelAllowed, modelAllowed } from './model-access.js';
export { ModelsService, scopeFor } from './models/models.service.js';
export {
  exhaustedErrorFor,
  isKeyError,
  isRequestError,
  isTransient,
  requestErrorFor,
} from './provider-error.mapping.js';
export { TargetPlanner, type PlannedTarget } from './target-planner.js';
export { PerformanceTracker, type TargetStats } from './tracker/performance-tracker.js';
export { RouteRegistry } from './routes/route.registry.js';
export {
  ORCHESTRATION_ROUTE_STRATEGIES,
  isOrchestrationStrategy,
  type KeyStrategy,
  type OrchestrationRouteStrategy,
  type RouteDefinition,
  type RouteStrategyName,
  type RouteStrategyParams,
  type RouteTarget,
} from './routes/route.types.js';
export { RUNTIME_PROVIDER_ENTITIES, RuntimeProvidersModule } from './providers/runtime-providers.module.js';
export { RuntimeProviderRegistry } from './providers/runtime-provider.registry.js';
export { RuntimeProvidersService } from './providers/runtime-providers.service.js';
