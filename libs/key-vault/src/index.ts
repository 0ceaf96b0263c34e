export { KeyVaultModule, KEY_VAULT_ENTITIES } from './key-vault.module.js';
export { VaultKeySource } from './vault-key-source.js';
export { VaultIndex } from './vault-index.js';
export { KeyHealthStore } from './key-health.store.js';
export { VaultCipher, VaultDecryptError, keyVersionOf } from './vault-cipher.js';
export { cipherFor, resolveMasterKeys, VAULT_KEY_FILE, type MasterKeys } from './master-keys.js';
export { rotateVaultKeys, type RotationReport } from './vault-rotation.js';
export {
  ProviderKeyEntity,
  OWNER_TYPES,
  KEY_STATUSES,
  type OwnerType,
  type StoredKeyStatus,
} from './provider-key.entity.js';
export { ProviderKeysService } from './provider-keys.service.js';
export { ProviderKeyView } from './provider-key.dto.js';
