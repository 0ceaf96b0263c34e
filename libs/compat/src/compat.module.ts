import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import { API_PREFIX, AppConfig } from '@switchyard/core';
import { EmbeddingsModule } from '@switchyard/embeddings';
import { FilesModule } from '@switchyard/files';
import { ImagesModule } from '@switchyard/images';
import { CompatBodyMiddleware } from './compat-body.middleware.js';
import { DefaultChatModel } from './default-model.js';
import { HyperController } from './hyper.controller.js';
import { IndoxRouterController } from './indox-router.controller.js';
import { loginUsername } from './login-username.middleware.js';
import { ModelMixSuperFilesController } from './model-mix-super.controller.js';
import { ModelMixSuperConfigController } from './model-mix-super-config.controller.js';
import { SinglePartContent } from './single-part-content.js';
import { MoeController } from './moe.controller.js';
import { RedocController } from './redoc.controller.js';

/**
 * The five source systems' own endpoints (docs/compat.md) as thin aliases: each calls the
 * service of its canonical route, so auth, limits, credits, usage, the activity log and the
 * error envelope are the same. Nothing depends on this module but the gateway's composition.
 */
@Module({
  imports: [
    EmbeddingsModule,
    ImagesModule,
    FilesModule,
    // The same upload limits as /v1/files.
    MulterModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        storage: memoryStorage(),
        limits: { fileSize: config.media.maxFileBytes, files: 1, fields: 10, fieldSize: 64 * 1024 },
      }),
    }),
  ],
  controllers: [
    IndoxRouterController,
    RedocController,
    MoeController,
    ModelMixSuperFilesController,
    ModelMixSuperConfigController,
    HyperController,
  ],
  providers: [DefaultChatModel, SinglePartContent],
})
export class CompatModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(loginUsername).forRoutes({ path: `${API_PREFIX}/auth/login`, method: RequestMethod.POST });
    // The edge parses bodies under /v1 and /api only.
    consumer
      .apply(CompatBodyMiddleware)
      .forRoutes(
        { path: 'openai', method: RequestMethod.POST },
        { path: 'config/model', method: RequestMethod.POST },
      );
  }
}
