import { Module } from '@nestjs/common';
import { EmbeddingsController } from './embeddings.controller.js';
import { EmbeddingsService } from './embeddings.service.js';
import { MeteredUpstreamService } from './metered-upstream.service.js';
import { RerankController } from './rerank.controller.js';
import { RerankService } from './rerank.service.js';

/** /v1/embeddings and /v1/rerank. Needs METERING from the chat module's registration (made global by the app). */
@Module({
  controllers: [EmbeddingsController, RerankController],
  providers: [MeteredUpstreamService, EmbeddingsService, RerankService],
  exports: [EmbeddingsService, RerankService],
})
export class EmbeddingsModule {}
