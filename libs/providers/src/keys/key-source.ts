import type { ProviderCredentials, ProviderError } from '../provider.port.js';
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
  /**
   * A call with these credentials failed with a key-level error: 401/403 mark the key invalid
   * (unselect it, select the next usable one); 429/quota cool it down until `retryAfterMs` or an
   * exponential default.
   */
  reportFailure?(
    credentials: ProviderCredentials,
    error: ProviderError,
    context: KeyEventContext,
  ): Promise<void>;
  /**
   * A call with these credentials succeeded (reset failure streaks; last used, batched). When
   * other keys of the same provider failed first in this call (`failover.failedKeyIds`), the key
   * that served becomes the selected key of its pool.
   */
  reportSuccess?(
    credentials: ProviderCredentials,
    context: KeyEventContext,
    failover?: { failedKeyIds: readonly string[] },
  ): void;
  /** The caller ran out of keys for this provider. */
  reportExhausted?(providerId: string, context: KeyEventContext): Promise<void>;
}

/** Who a key event happened for, for the activity log. */
export interface KeyEventContext {
  requestId?: string;
  tenantId?: string;
  userId?: string;
  apiKeyId?: string;
  ip?: string;
}
