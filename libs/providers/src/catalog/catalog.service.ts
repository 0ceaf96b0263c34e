import { InvalidRequestError } from '@switchyard/core';
import type { WireFormat } from '../provider.port.js';
import { CatalogIndex } from './catalog.index.js';
import { loadCatalog } from './catalog.loader.js';
import { DECIMAL } from './catalog.schema.js';
import type {
  Capability,
  CatalogEntry,
  CatalogModel,
  CatalogProvider,
  ModelOverride,
  ModelPricing,
} from './catalog.types.js';

/** What {@link CatalogService.applyOverrides} did. */
export interface OverrideResult {
  /** Overrides applied. */
  applied: number;
  /** Overrides naming a provider or model the catalog does not have (left alone, e.g. a removed model). */
  unknown: Array<{ provider: string; model: string }>;
}

const PRICE_FIELDS = [
  'inputPerMTok',
  'outputPerMTok',
  'cachedInputPerMTok',
  'cacheWrite5mPerMTok',
  'cacheWrite1hPerMTok',
  'perImage',
  'perAudioMinute',
  'perMChars',
] as const satisfies ReadonlyArray<keyof ModelPricing>;

function checkOverride(override: ModelOverride, i: number): void {
  for (const field of PRICE_FIELDS) {
    const value = override.pricing?.[field];
    if (value !== undefined && !DECIMAL.test(value)) {
      throw new InvalidRequestError(`${field} must be a decimal string of credits with at most 6 decimals.`, {
        param: `overrides[${i}].pricing.${field}`,
      });
    }
  }
  if (override.free !== undefined && typeof override.free !== 'boolean') {
    throw new InvalidRequestError('free must be true or false.', { param: `overrides[${i}].free` });
  }
  for (const field of ['contextWindow', 'maxOutputTokens'] as const) {
    const value = override[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new InvalidRequestError(`${field} must be a non-negative integer.`, {
        param: `overrides[${i}].${field}`,
      });
    }
  }
}

function overridden(model: CatalogModel, override: ModelOverride): CatalogModel {
  const pricing = { ...model.pricing };
  for (const field of PRICE_FIELDS) {
    const value = override.pricing?.[field];
    if (value !== undefined) pricing[field] = value;
  }
  return {
    ...model,
    pricing,
    contextWindow: override.contextWindow ?? model.contextWindow,
    maxOutputTokens: override.maxOutputTokens ?? model.maxOutputTokens,
    disabled: override.disabled ?? model.disabled,
    ...(override.free !== undefined ? { free: override.free } : {}),
  };
}

/** What {@link CatalogService.setRuntimeProviders} did. */
export interface RuntimeProvidersResult {
  /** Providers now served. */
  applied: number;
  /** Ids left out because a catalog file has the same id (a newer release added it): the file wins. */
  shadowed: string[];
}

/** The runtime providers one tenant sees besides the shared ones, with their own look-up tables. */
interface TenantCatalog {
  readonly providers: readonly CatalogProvider[];
  readonly index: CatalogIndex;
}

/**
 * The model catalog: the validated `catalog/*.json` files with admin overrides on top, merged
 * with the providers registered at run time. A platform runtime provider is shared by every
 * tenant, like the files; a tenant's is seen only by look-ups that name that tenant. Every read
 * is served from tables built when the catalog (its overrides, its runtime providers) changes.
 *
 * Look-ups take an optional tenant id: without it they see the files and the platform's runtime
 * providers only, so a caller that forgets the tenant can never reach a tenant's provider.
 * Runtime provider ids are unique across every tenant and never equal a catalog file's id.
 */
export class CatalogService {
  private current: readonly CatalogProvider[];
  private index: CatalogIndex;
  private overrides: readonly ModelOverride[] = [];
  private runtime: readonly CatalogProvider[] = [];
  private runtimeById = new Map<string, CatalogProvider>();
  private tenants = new Map<string, TenantCatalog>();
  private readonly builtInIds: ReadonlySet<string>;

  constructor(private readonly base: readonly CatalogProvider[]) {
    this.current = base;
    this.index = new CatalogIndex(base);
    this.builtInIds = new Set(base.map((p) => p.id));
  }

  /** Loads and validates the catalog files of a directory (the shipped one by default). */
  static fromDirectory(dir?: string): CatalogService {
    return new CatalogService(loadCatalog(dir));
  }

  /**
   * Every provider a tenant sees, in catalog order (files, then platform runtime providers, then
   * the tenant's own), models included (disabled ones flagged, not hidden). Without a tenant:
   * the files and the platform's runtime providers.
   */
  providers(tenantId?: string | null): readonly CatalogProvider[] {
    const own = this.tenantCatalog(tenantId);
    return own ? [...this.current, ...own.providers] : this.current;
  }

  provider(id: string, tenantId?: string | null): CatalogProvider | undefined {
    return this.index.provider(id) ?? this.tenantCatalog(tenantId)?.index.provider(id);
  }

  /** Whether a catalog file (not a runtime registration) has this provider id. */
  isBuiltIn(id: string): boolean {
    return this.builtInIds.has(id);
  }

  /**
   * A runtime provider by id, whoever owns it. Only for what is keyed by the (globally unique)
   * provider id alone, such as an adapter's default for a model; visibility checks use
   * {@link provider} with the caller's tenant.
   */
  runtimeProvider(id: string): CatalogProvider | undefined {
    return this.runtimeById.get(id);
  }

  /** A provider's model by id or alias, disabled ones included. */
  model(providerId: string, modelId: string, tenantId?: string | null): CatalogModel | undefined {
    const enabled = this.entry(providerId, modelId, tenantId);
    if (enabled) return enabled.model;
    return this.provider(providerId, tenantId)?.models.find(
      (m) => m.disabled && (m.id === modelId || m.aliases.includes(modelId)),
    );
  }

  /** An enabled model of a provider, by id or alias. */
  entry(providerId: string, modelIdOrAlias: string, tenantId?: string | null): CatalogEntry | undefined {
    return (
      this.index.entry(providerId, modelIdOrAlias) ??
      this.tenantCatalog(tenantId)?.index.entry(providerId, modelIdOrAlias)
    );
  }

  /** Enabled models with this exact id, in catalog order. */
  withModelId(id: string, tenantId?: string | null): readonly CatalogEntry[] {
    return this.merged(this.index.withModelId(id), this.tenantCatalog(tenantId)?.index.withModelId(id));
  }

  /** Enabled models carrying this alias, in catalog order. */
  withAlias(alias: string, tenantId?: string | null): readonly CatalogEntry[] {
    return this.merged(this.index.withAlias(alias), this.tenantCatalog(tenantId)?.index.withAlias(alias));
  }

  /** Enabled models with a capability, in catalog order. */
  withCapability(capability: Capability, tenantId?: string | null): readonly CatalogEntry[] {
    return this.merged(
      this.index.withCapability(capability),
      this.tenantCatalog(tenantId)?.index.withCapability(capability),
    );
  }

  /**
   * The catalog's maximum output for a model spoken to in a wire format: the given provider's
   * entry, else the first provider of that format listing the id. Adapters whose upstream
   * requires an output limit use it when the caller set none.
   */
  defaultMaxOutputTokens(format: WireFormat, modelId: string, providerId?: string): number | undefined {
    if (providerId !== undefined) {
      const entry = this.index.entry(providerId, modelId);
      if (entry) return entry.model.maxOutputTokens;
      const terms = this.index.provider(providerId)?.unlistedModels;
      if (terms) return terms.maxOutputTokens;
      const runtime = this.runtimeById.get(providerId);
      const model = runtime?.models.find((m) => m.id === modelId || m.aliases.includes(modelId));
      if (model) return model.maxOutputTokens;
    }
    return this.index.withModelId(modelId).find((e) => e.provider.format === format)?.model.maxOutputTokens;
  }

  /**
   * Replaces the set of admin overrides (pricing, limits, disabling) with this one; overrides are
   * not cumulative across calls, so the stored set is always passed whole. They apply to the
   * catalog files and the platform's runtime providers. Invalid values throw InvalidRequestError
   * naming the entry; entries for unknown models are reported, not applied.
   */
  applyOverrides(overrides: readonly ModelOverride[]): OverrideResult {
    overrides.forEach(checkOverride);
    this.overrides = [...overrides];
    const used = this.rebuild();
    const unknown = overrides
      .filter((o) => !used.has(`${o.provider}/${o.model}`))
      .map((o) => ({ provider: o.provider, model: o.model }));
    return { applied: overrides.length - unknown.length, unknown };
  }

  /**
   * Replaces every runtime provider (platform and tenants') with this set: the registry passes
   * the whole stored set each time it changes. Each must carry `runtime`; one whose id a catalog
   * file has is left out and reported.
   */
  setRuntimeProviders(providers: readonly CatalogProvider[]): RuntimeProvidersResult {
    const shadowed: string[] = [];
    const kept: CatalogProvider[] = [];
    const seen = new Set<string>();
    for (const provider of providers) {
      if (!provider.runtime) throw new Error(`Provider '${provider.id}' is not a runtime provider.`);
      if (this.builtInIds.has(provider.id) || seen.has(provider.id)) {
        shadowed.push(provider.id);
        continue;
      }
      seen.add(provider.id);
      kept.push(provider);
    }
    this.runtime = kept;
    this.rebuild();
    return { applied: kept.length, shadowed };
  }

  /** Rebuilds every table from the files, the runtime providers and the overrides; returns the overrides used. */
  private rebuild(): Set<string> {
    const byModel = new Map<string, ModelOverride>();
    for (const override of this.overrides) byModel.set(`${override.provider}/${override.model}`, override);
    const used = new Set<string>();
    const shared = [...this.base, ...this.runtime.filter((p) => p.runtime!.tenantId === null)];
    this.current = shared.map((provider) => ({
      ...provider,
      models: provider.models.map((model) => {
        const key = `${provider.id}/${model.id}`;
        const override = byModel.get(key);
        if (!override) return model;
        used.add(key);
        return overridden(model, override);
      }),
    }));
    this.index = new CatalogIndex(this.current);
    const grouped = new Map<string, CatalogProvider[]>();
    for (const provider of this.runtime) {
      const tenantId = provider.runtime!.tenantId;
      if (tenantId === null) continue;
      const list = grouped.get(tenantId) ?? [];
      list.push(provider);
      grouped.set(tenantId, list);
    }
    this.tenants = new Map(
      [...grouped].map(([tenantId, list]) => [tenantId, { providers: list, index: new CatalogIndex(list) }]),
    );
    this.runtimeById = new Map(this.runtime.map((p) => [p.id, p]));
    return used;
  }

  private tenantCatalog(tenantId: string | null | undefined): TenantCatalog | undefined {
    return tenantId ? this.tenants.get(tenantId) : undefined;
  }

  /** Shared entries first (catalog order), then the tenant's own; no copy when the tenant has none. */
  private merged(
    shared: readonly CatalogEntry[],
    own: readonly CatalogEntry[] | undefined,
  ): readonly CatalogEntry[] {
    if (!own || own.length === 0) return shared;
    return shared.length === 0 ? own : [...shared, ...own];
  }
}
