import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RuntimeProviderEntity } from './runtime-provider.entity.js';
import { RuntimeProviderRegistry } from './runtime-provider.registry.js';
import { RuntimeProviderRepository } from './runtime-provider.repository.js';
import { RuntimeProvidersController } from './runtime-providers.controller.js';
import { RuntimeProvidersService } from './runtime-providers.service.js';

export const RUNTIME_PROVIDER_ENTITIES = [RuntimeProviderEntity];

/**
 * Providers registered at run time (`/api/v1/providers`): their table, the registry that keeps
 * the catalog's runtime providers equal to it on every instance, and the management API.
 * Expects ProvidersModule, RedisModule and ActivityLogModule to be registered globally.
 */
@Module({
  imports: [TypeOrmModule.forFeature(RUNTIME_PROVIDER_ENTITIES)],
  controllers: [RuntimeProvidersController],
  providers: [RuntimeProviderRepository, RuntimeProviderRegistry, RuntimeProvidersService],
  exports: [RuntimeProviderRegistry, RuntimeProvidersService],
})
export class RuntimeProvidersModule {}
