import { Module, type DynamicModule } from '@nestjs/common';
import {
  CoreConfigModule,
  DatabaseModule,
  LoggingModule,
  RedisModule,
  SettingsModule,
  type CoreConfigOptions,
} from '@switchyard/core';
import { AuthModule } from '@switchyard/auth';
import { CreditsModule } from '@switchyard/credits';
import { migrations } from '../../../migrations/index.js';
import { entities } from './entities.js';
import { HealthModule } from './health/health.module.js';

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
        HealthModule,
        AuthModule,
        CreditsModule,
      ],
    };
  }
}
