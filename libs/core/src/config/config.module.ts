import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { OutboundPolicy } from '../outbound/outbound-policy.js';
import { AppConfig, loadConfig } from './app-config.js';

export interface CoreConfigOptions {
  /** Values that win over the process environment and `.env` (tests, embedded tools). */
  overrides?: Record<string, string | undefined>;
  /** Read only `overrides`: no `.env`, no process environment. Tests use this to stay isolated. */
  isolated?: boolean;
}

/**
 * Loads `.env` and the environment through @nestjs/config, validates them once and provides the
 * typed {@link AppConfig}. An invalid environment fails the boot with ConfigValidationError.
 */
@Module({})
export class CoreConfigModule {
  static async forRoot(options: CoreConfigOptions = {}): Promise<DynamicModule> {
    let config: AppConfig | undefined;
    const configModule = await ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: options.isolated === true,
      skipProcessEnv: options.isolated === true,
      validatePredefined: true,
      validate: (raw: Record<string, string | undefined>) => {
        const source = options.isolated ? {} : raw;
        config = loadConfig({ ...source, ...options.overrides });
        // Returning nothing keeps @nestjs/config from copying values back into process.env.
        return {};
      },
    });
    if (!config) throw new Error('configuration was not validated');
    return {
      module: CoreConfigModule,
      global: true,
      imports: [configModule],
      providers: [
        { provide: AppConfig, useValue: config },
        // The one outbound policy every caller-directed URL goes through (libs/core/src/outbound).
        {
          provide: OutboundPolicy,
          useValue: new OutboundPolicy(config.routing.outboundAllowlist, {
            maxAnswerBytes: config.routing.upstreamMaxAnswerBytes,
          }),
        },
      ],
      exports: [AppConfig, OutboundPolicy],
    };
  }
}
