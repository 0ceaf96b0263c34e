import { Module, type DynamicModule } from '@nestjs/common';
import {
  CoreConfigModule,
  DatabaseModule,
  LoggingModule,
  RedisModule,
  SettingsModule,
  type CoreConfigOptions,
} from '@switchyard/core';
import { ActivityLogModule } from '@switchyard/activity-log';
import { AudioModule } from '@switchyard/audio';
import { AuthModule } from '@switchyard/auth';
import { KeyVaultModule } from '@switchyard/key-vault';
import { ChatModule } from '@switchyard/chat';
import { CompatModule } from '@switchyard/compat';
import { CreditsModule } from '@switchyard/credits';
import { EmbeddingsModule } from '@switchyard/embeddings';
import { FilesModule } from '@switchyard/files';
import { ImagesModule } from '@switchyard/images';
import { MessagesModule } from '@switchyard/messages';
import { ResponsesModule } from '@switchyard/responses';
import { ObservabilityModule, TelemetryModule } from '@switchyard/observability';
import { OrchestrationModule } from '@switchyard/orchestration';
import { RoutingModule, RuntimeProvidersModule } from '@switchyard/routing';
import { migrations } from '../../../migrations/index.js';
import { entities } from './entities.js';
import { HealthModule } from './health/health.module.js';
import { providersModule } from './providers.setup.js';

/** Composition only: which modules make up the gateway. */
@Module({})
export class AppModule {
  static async forRoot(options: CoreConfigOptions = {}): Promise<DynamicModule> {
    return {
      module: AppModule,
      imports: [
        await CoreConfigModule.forRoot(options),
        LoggingModule,
        DatabaseModule.forRoot({ entities, migrations }),
        SettingsModule,
        RedisModule,
        // The metrics and traces port every module may record through (a no-op when both are off).
        TelemetryModule,
        HealthModule,
        // After DatabaseModule: its shutdown flush runs while the database is still open.
        ActivityLogModule,
        // After ActivityLogModule: the vault's shutdown flush still records events.
        KeyVaultModule,
        AuthModule,
        CreditsModule,
        providersModule(),
        RoutingModule,
        RuntimeProvidersModule,
        OrchestrationModule,
        ChatModule.forRoot(),
        MessagesModule,
        ResponsesModule,
        EmbeddingsModule,
        ImagesModule,
        FilesModule,
        AudioModule,
        // The source systems' endpoints: aliases over the modules above (docs/compat.md).
        CompatModule,
        // Scrape-time gauges (breakers, key health, reservations) and the METRICS_PORT listener.
        ObservabilityModule,
      ],
    };
  }
}
