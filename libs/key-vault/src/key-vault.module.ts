import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@switchyard/core';
import { KeyHealthStore } from './key-health.store.js';
import { cipherFor, resolveMasterKeys } from './master-keys.js';
import { ProviderKeyEntity } from './provider-key.entity.js';
import { ProviderKeyRepository } from './provider-key.repository.js';
import { ProviderKeysController } from './provider-keys.controller.js';
import { ProviderKeysService } from './provider-keys.service.js';
import { VaultCipher } from './vault-cipher.js';
import { VaultIndex } from './vault-index.js';
import { VaultKeySource } from './vault-key-source.js';

export const KEY_VAULT_ENTITIES = [ProviderKeyEntity];

/**
 * The provider-key vault: encrypted keys, their management API, and VaultKeySource, which the
 * gateway plugs into ProvidersModule as its KEY_SOURCE. Global, and it needs the providers lib
 * registered globally (catalog, environment, adapters). Import it after ActivityLogModule: its
 * shutdown flush records events that the activity log must still write.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(KEY_VAULT_ENTITIES)],
  controllers: [ProviderKeysController],
  providers: [
    {
      provide: VaultCipher,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const logger = new Logger('KeyVault');
        return cipherFor(resolveMasterKeys(config, (message) => logger.warn(message)));
      },
    },
    ProviderKeyRepository,
    KeyHealthStore,
    VaultIndex,
    VaultKeySource,
    ProviderKeysService,
  ],
  exports: [VaultKeySource, VaultCipher, VaultIndex, ProviderKeysService],
})
export class KeyVaultModule {}
