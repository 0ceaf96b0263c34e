import { CatalogService } from '../catalog/catalog.service.js';
import type { ProviderCredentials } from '../provider.port.js';
import type { KeySource } from './key-source.js';
import { isSimulator, ProviderEnvironment } from './provider-environment.js';
import { requestKeyFor } from './request-keys.js';
import type { KeyScope } from './providers.settings.js';

/** What keyless servers (Ollama, vLLM, the simulator) get as a key: clients insist on sending one. */
export const KEYLESS_PLACEHOLDER = 'no-key';

/** keyId of a key the caller sent with the request. */
export const REQUEST_KEY_ID = 'request';

/**
 * Keys from the environment (`<ID>_API_KEY`) plus the request's own key. A provider is available
 * when it has a usable key; a keyless one (Ollama, vLLM, LM Studio) when its base URL was set
 * explicitly; the simulators exactly when a simulator URL is set; and any provider (the
 * simulators aside) for a request that brings its own key. A provider registered at run time
 * has no environment key: it is available to the tenants that see it when it takes no key, or
 * for a request that brings one.
 */
export class EnvKeySource implements KeySource {
  private readonly available = new Set<string>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly environment: ProviderEnvironment,
  ) {
    for (const provider of catalog.providers()) {
      const endpoint = environment.endpoint(provider.id);
      if (!endpoint) continue;
      const urlOk = !provider.baseUrlRequired || endpoint.baseUrlConfigured;
      const usable = isSimulator(provider.id)
        ? environment.simulatorUrl !== undefined
        : provider.keyRequired
          ? endpoint.apiKey !== undefined && urlOk
          : endpoint.baseUrlConfigured;
      if (usable) this.available.add(provider.id);
    }
  }

  isAvailable(providerId: string, scope: KeyScope): boolean {
    if (this.available.has(providerId)) return true;
    const provider = this.catalog.provider(providerId, scope.tenantId);
    const requestKey = requestKeyFor(scope, providerId);
    if (provider?.runtime) return !provider.keyRequired || requestKey !== undefined;
    if (!requestKey || isSimulator(providerId)) return false;
    return (
      provider !== undefined &&
      (!provider.baseUrlRequired || this.environment.endpoint(providerId)?.baseUrlConfigured === true)
    );
  }

  async keysFor(providerId: string, scope: KeyScope): Promise<ProviderCredentials[]> {
    const provider = this.catalog.provider(providerId, scope.tenantId);
    const endpoint = this.environment.endpoint(providerId);
    if (!provider || !endpoint || !this.isAvailable(providerId, scope)) return [];
    const headers = endpoint.headers ? { headers: endpoint.headers } : {};
    const keys: ProviderCredentials[] = [];
    const requestKey = requestKeyFor(scope, providerId);
    if (requestKey)
      keys.push({ apiKey: requestKey, baseUrl: endpoint.baseUrl, keyId: REQUEST_KEY_ID, ...headers });
    if (this.available.has(providerId)) {
      if (endpoint.apiKey !== undefined && endpoint.apiKey !== requestKey) {
        keys.push({
          apiKey: endpoint.apiKey,
          baseUrl: endpoint.baseUrl,
          keyId: `env:${endpoint.apiKeyVariable}`,
        });
      } else if (endpoint.apiKey === undefined && !provider.keyRequired) {
        keys.push({ apiKey: KEYLESS_PLACEHOLDER, baseUrl: endpoint.baseUrl, keyId: 'env:keyless' });
      }
    } else if (provider.runtime && !provider.keyRequired) {
      keys.push({ apiKey: KEYLESS_PLACEHOLDER, baseUrl: endpoint.baseUrl, keyId: 'env:keyless', ...headers });
    }
    return keys;
  }
}
