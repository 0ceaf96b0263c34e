import { Global, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ModelsService } from '@switchyard/routing';
import { OrchestrationController } from './api/orchestration.controller.js';
import { AUTO_MODEL, Orchestrator } from './orchestrator.service.js';
import { PolicyService } from './policy/policy.service.js';
import { WebSearch } from './search/web-search.service.js';

/**
 * `auto`: the classifier, the policy and its API, the explain endpoint, the strategies and web
 * search (the search port and its adapters). The
 * chat lib hands `model: "auto"` calls to the Orchestrator with a step runner of its own.
 */
@Global()
@Module({
  controllers: [OrchestrationController],
  providers: [PolicyService, Orchestrator, WebSearch],
  exports: [Orchestrator, PolicyService, WebSearch],
})
export class OrchestrationModule implements OnApplicationBootstrap {
  constructor(private readonly models: ModelsService) {}

  onApplicationBootstrap(): void {
    // `auto` is a model every caller can name.
    this.models.addVirtualModel(AUTO_MODEL, 'switchyard');
  }
}
