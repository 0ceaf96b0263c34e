import { Module } from '@nestjs/common';
import { EmbeddingsController } from './embeddings.controller.js';
import { EmbeddingsService } from './embeddings.service.js';

/** /v1/embeddings. Needs METERING from the chat module's registration (made global by the app). */
@Module({ controllers: [EmbeddingsController], providers: [EmbeddingsService], exports: [EmbeddingsService] })
export class EmbeddingsModule {}
