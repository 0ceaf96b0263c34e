import type { ProviderCredentials } from '../provider.port.js';
import type { KeyScope } from './providers.settings.js';

/**
 * Where provider keys come from. The environment implementation ships here; the key vault
 * (tenant and platform pools) implements the same interface and replaces it under KEY_SOURCE.
 */
export interface KeySource {
  /**
   * The credentials that may serve a call to this provider, best first (the request's key, then
   * the caller's selection, pools, and the environment). Empty when the provider is unavailable.
   */
  keysFor(providerId: string, scope: KeyScope): Promise<ProviderCredentials[]>;
  /**
   * Whether keysFor could return anything for this provider and scope, answered synchronously
   * from memory: model resolution calls it on the hot path.
   */
  isAvailable(providerId: string, scope: KeyScope): boolean;
}
