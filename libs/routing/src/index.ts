export { RoutingModule, ROUTING_ENTITIES } from './routing.module.js';
export {
  FAILOVER_OBSERVER,
  UpstreamExecutor,
  type Attempt,
  type CallContext,
  type FailoverObserver,
  type Served,
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
export { TargetPlanner } from './target-planner.js';
