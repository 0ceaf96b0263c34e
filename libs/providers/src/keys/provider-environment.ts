import { CatalogService } from '../catalog/catalog.service.js';
import type { CatalogProvider } from '../catalog/catalog.types.js';
import { ProvidersConfigError, type ProvidersSettings } from './providers.settings.js';

/** One provider's settings after reading the environment. */
export interface ProviderEndpoint {
  readonly providerId: string;
  /** The environment's key, when one is set. */
  readonly apiKey?: string;
  readonly apiKeyVariable: string;
  /** Where calls go: `<ID>_BASE_URL`, else (simulators) the simulator URL, else the catalog default. */
  readonly baseUrl: string;
  /** Whether the operator set the base URL (keyless local servers are only used then). */
  readonly baseUrlConfigured: boolean;
  readonly timeoutMs: number;
  /** Headers for every call (a runtime provider's default headers). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The longest `<ID>_TIMEOUT_MS` accepted: one hour. */
const MAX_TIMEOUT_MS = 3_600_000;
const HTTP_URL = /^https?:\/\/[^\s]+$/;

function value(settings: ProvidersSettings, name: string): string | undefined {
  const raw = settings.env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function simulatorBase(simulatorUrl: string, provider: CatalogProvider): string {
  // A simulator catalog's default URL carries the path its wire format lives under (/v1, /v1beta).
  const path = new URL(provider.defaultBaseUrl).pathname.replace(/\/+$/, '');
  return `${simulatorUrl.replace(/\/+$/, '')}${path}`;
}

/** Whether a provider id names one of the simulator catalogs. */
export function isSimulator(providerId: string): boolean {
  return providerId === 'simulator' || providerId.startsWith('simulator-');
}

/**
 * Every provider's key, base URL and timeout from the settings, read and validated once at boot
 * (a malformed URL or timeout fails boot, naming the variable). Providers registered at run time
 * read nothing from the environment: their endpoint is their registration (URL, timeout, default
 * headers), looked up by their globally unique id; who may use them is the catalog's business.
 */
export class ProviderEnvironment {
  private readonly endpoints = new Map<string, ProviderEndpoint>();
  /** Per registration object: a change replaces the object, so a stale endpoint is never served. */
  private readonly runtimeEndpoints = new WeakMap<CatalogProvider, ProviderEndpoint>();
  readonly simulatorUrl?: string;

  constructor(
    settings: ProvidersSettings,
    private readonly catalog: CatalogService,
  ) {
    const simulatorUrl = settings.simulatorUrl?.trim() || undefined;
    if (simulatorUrl !== undefined && !HTTP_URL.test(simulatorUrl)) {
      throw new ProvidersConfigError('simulatorUrl', `must be an http(s) URL, got "${simulatorUrl}"`);
    }
    this.simulatorUrl = simulatorUrl;
    for (const provider of catalog.providers()) {
      const baseUrl = value(settings, provider.env.baseUrl);
      if (baseUrl !== undefined && !HTTP_URL.test(baseUrl)) {
        throw new ProvidersConfigError(provider.env.baseUrl, `must be an http(s) URL, got "${baseUrl}"`);
      }
      const timeout = value(settings, provider.env.timeoutMs);
      if (timeout !== undefined && !/^\d+$/.test(timeout)) {
        throw new ProvidersConfigError(
          provider.env.timeoutMs,
          `must be a positive integer of milliseconds, got "${timeout}"`,
        );
      }
      const timeoutMs = timeout === undefined ? provider.timeoutMs : Number(timeout);
      if (timeoutMs < 1) throw new ProvidersConfigError(provider.env.timeoutMs, 'must be at least 1');
      // An hour at most, as for a runtime provider: past 2^31 - 1 ms a timer would fire at once.
      if (timeoutMs > MAX_TIMEOUT_MS) {
        throw new ProvidersConfigError(provider.env.timeoutMs, `must be at most ${MAX_TIMEOUT_MS} (an hour)`);
      }
      const apiKey = value(settings, provider.env.apiKey);
      this.endpoints.set(provider.id, {
        providerId: provider.id,
        ...(apiKey !== undefined ? { apiKey } : {}),
        apiKeyVariable: provider.env.apiKey,
        baseUrl:
          baseUrl ??
          (isSimulator(provider.id) && simulatorUrl
            ? simulatorBase(simulatorUrl, provider)
            : provider.defaultBaseUrl),
        baseUrlConfigured: baseUrl !== undefined,
        timeoutMs,
      });
    }
  }

  /** A provider's settings; undefined for ids the catalog does not have. */
  endpoint(providerId: string): ProviderEndpoint | undefined {
    return this.endpoints.get(providerId) ?? this.runtimeEndpoint(providerId);
  }

  baseUrl(providerId: string): string | undefined {
    return this.endpoint(providerId)?.baseUrl;
  }

  timeoutMs(providerId: string): number | undefined {
    return this.endpoint(providerId)?.timeoutMs;
  }

  private runtimeEndpoint(providerId: string): ProviderEndpoint | undefined {
    const provider = this.catalog.runtimeProvider(providerId);
    if (!provider?.runtime) return undefined;
    let endpoint = this.runtimeEndpoints.get(provider);
    if (!endpoint) {
      const headers = provider.runtime.headers;
      endpoint = {
        providerId,
        apiKeyVariable: '',
        baseUrl: provider.defaultBaseUrl,
        baseUrlConfigured: true,
        timeoutMs: provider.timeoutMs,
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
      };
      this.runtimeEndpoints.set(provider, endpoint);
    }
    return endpoint;
  }
}
