import { OutboundPolicy } from '@switchyard/core';
import { Module, type DynamicModule, type FactoryProvider, type ModuleMetadata } from '@nestjs/common';
import { CatalogService } from './catalog/catalog.service.js';
import { gigachatTokenUrl } from './gigachat/gigachat.tokens.js';
import { EnvKeySource } from './keys/env-key-source.js';
import type { KeySource } from './keys/key-source.js';
import { ProviderEnvironment } from './keys/provider-environment.js';
import type { ProvidersSettings } from './keys/providers.settings.js';
import { createAdapters } from './provider.adapters.js';
import type { ProviderAdapter } from './provider.port.js';
import { ProviderRegistry } from './provider.registry.js';
import { KEY_SOURCE, PROVIDER_ADAPTERS, PROVIDERS_SETTINGS } from './providers.tokens.js';
import { ModelResolver } from './resolution/model-resolver.js';

/** How the importing application configures the providers lib. */
export interface ProvidersModuleOptions {
  /** Modules the factories' dependencies come from (e.g. the config module). */
  imports?: ModuleMetadata['imports'];
  /** The settings: the gateway maps its validated environment into {@link ProvidersSettings}. */
  useFactory: (...args: never[]) => ProvidersSettings | Promise<ProvidersSettings>;
  inject?: FactoryProvider['inject'];
  /**
   * Replaces the environment key source (the key vault plugs in here); it may inject
   * EnvKeySource to fall back to environment keys.
   */
  keySource?: {
    useFactory: (...args: never[]) => KeySource | Promise<KeySource>;
    inject?: FactoryProvider['inject'];
  };
  /** A catalog directory other than the shipped one (tests). */
  catalogDir?: string;
  /** Register globally (default false). */
  global?: boolean;
}

type AnyFactory = (...args: unknown[]) => unknown;

/**
 * The provider port, its adapters (one per wire format, under PROVIDER_ADAPTERS), the model
 * catalog, key sources and model resolution. Exports ProviderRegistry, CatalogService,
 * ModelResolver, KEY_SOURCE, EnvKeySource and ProviderEnvironment.
 */
@Module({})
export class ProvidersModule {
  static forRoot(options: ProvidersModuleOptions): DynamicModule {
    const keySource = options.keySource;
    return {
      module: ProvidersModule,
      global: options.global ?? false,
      imports: options.imports ?? [],
      providers: [
        {
          provide: PROVIDERS_SETTINGS,
          useFactory: options.useFactory as AnyFactory,
          inject: options.inject ?? [],
        },
        { provide: CatalogService, useFactory: () => CatalogService.fromDirectory(options.catalogDir) },
        {
          provide: ProviderEnvironment,
          useFactory: (settings: ProvidersSettings, catalog: CatalogService, outbound: OutboundPolicy) => {
            const environment = new ProviderEnvironment(settings, catalog);
            // What the operator configured (and the catalog's defaults) is trusted by the policy.
            for (const provider of catalog.providers()) {
              const baseUrl = environment.baseUrl(provider.id);
              if (baseUrl) outbound.trust(baseUrl);
              // GigaChat's token endpoint is configured (or derived) like its base URL.
              if (baseUrl && provider.format === 'gigachat') {
                const authBase = settings.env[provider.env.baseUrl.replace(/_BASE_URL$/, '_AUTH_BASE_URL')];
                outbound.trust(gigachatTokenUrl(baseUrl, authBase?.trim() || undefined));
              }
            }
            return environment;
          },
          inject: [PROVIDERS_SETTINGS, CatalogService, OutboundPolicy],
        },
        {
          provide: EnvKeySource,
          useFactory: (catalog: CatalogService, environment: ProviderEnvironment) =>
            new EnvKeySource(catalog, environment),
          inject: [CatalogService, ProviderEnvironment],
        },
        keySource
          ? {
              provide: KEY_SOURCE,
              useFactory: keySource.useFactory as AnyFactory,
              inject: keySource.inject ?? [],
            }
          : { provide: KEY_SOURCE, useExisting: EnvKeySource },
        {
          provide: PROVIDER_ADAPTERS,
          useFactory: (catalog: CatalogService, outbound: OutboundPolicy, settings: ProvidersSettings) =>
            createAdapters({ catalog, outbound, env: settings.env }),
          inject: [CatalogService, OutboundPolicy, PROVIDERS_SETTINGS],
        },
        {
          provide: ProviderRegistry,
          useFactory: (adapters: ProviderAdapter[], catalog: CatalogService) =>
            new ProviderRegistry(adapters, catalog),
          inject: [PROVIDER_ADAPTERS, CatalogService],
        },
        {
          provide: ModelResolver,
          useFactory: (
            catalog: CatalogService,
            keys: KeySource,
            environment: ProviderEnvironment,
            settings: ProvidersSettings,
          ) => new ModelResolver(catalog, keys, environment, settings),
          inject: [CatalogService, KEY_SOURCE, ProviderEnvironment, PROVIDERS_SETTINGS],
        },
      ],
      exports: [
        ProviderRegistry,
        CatalogService,
        ModelResolver,
        KEY_SOURCE,
        EnvKeySource,
        ProviderEnvironment,
        PROVIDER_ADAPTERS,
      ],
    };
  }
}
