import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CircuitBreakers } from './circuit-breakers.js';
import { ActivityFailoverObserver } from './failover-activity.observer.js';
import { ModelOverrideEntity } from './models/model-override.entity.js';
import { ModelOverridesService } from './models/model-overrides.service.js';
import { ModelsController, OpenAiModelsController } from './models/models.controller.js';
import { ModelsService } from './models/models.service.js';
import { PricingGapsReporter } from './models/pricing-gaps.reporter.js';
import { RouteEntity } from './routes/route.entity.js';
import { RouteRegistry } from './routes/route.registry.js';
import { RoutesController } from './routes/routes.controller.js';
import { RoutesService } from './routes/routes.service.js';
import { TargetPlanner } from './target-planner.js';
import { PerformanceTracker } from './tracker/performance-tracker.js';
import { FAILOVER_OBSERVER, UpstreamExecutor } from './upstream-executor.js';

export const ROUTING_ENTITIES = [ModelOverrideEntity, RouteEntity];

/**
 * Model listing and overrides, and the upstream executor (key and model failover, retries,
 * circuit breakers). Expects ProvidersModule to be registered globally by the app.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(ROUTING_ENTITIES)],
  controllers: [OpenAiModelsController, ModelsController, RoutesController],
  providers: [
    CircuitBreakers,
    PerformanceTracker,
    RouteRegistry,
    RoutesService,
    UpstreamExecutor,
    TargetPlanner,
    ModelsService,
    ModelOverridesService,
    PricingGapsReporter,
    { provide: FAILOVER_OBSERVER, useClass: ActivityFailoverObserver },
  ],
  exports: [
    UpstreamExecutor,
    TargetPlanner,
    ModelsService,
    CircuitBreakers,
    PerformanceTracker,
    RouteRegistry,
    FAILOVER_OBSERVER,
  ],
})
export class RoutingModule {}
