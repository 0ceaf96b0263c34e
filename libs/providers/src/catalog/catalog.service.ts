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
  };
}

/**
 * The model catalog: the validated `catalog/*.json` files with admin overrides on top. Every
 * read is served from tables built when the catalog (or its overrides) change.
 */
export class CatalogService {
  private current: readonly CatalogProvider[];
  private index: CatalogIndex;

  constructor(private readonly base: readonly CatalogProvider[]) {
    this.current = base;
    this.index = new CatalogIndex(base);
  }

  /** Loads and validates the catalog files of a directory (the shipped one by default). */
  static fromDirectory(dir?: string): CatalogService {
    return new CatalogService(loadCatalog(dir));
  }

  /** Every provider in catalog order, models included (disabled ones flagged, not hidden). */
  providers(): readonly CatalogProvider[] {
    return this.current;
  }

  provider(id: string): CatalogProvider | undefined {
    return this.index.provider(id);
  }

  /** A provider's model by id or alias, disabled ones included. */
  model(providerId: string, modelId: string): CatalogModel | undefined {
    const enabled = this.index.entry(providerId, modelId);
    if (enabled) return enabled.model;
    return this.index
      .provider(providerId)
      ?.models.find((m) => m.disabled && (m.id === modelId || m.aliases.includes(modelId)));
  }

  /** An enabled model of a provider, by id or alias. */
  entry(providerId: string, modelIdOrAlias: string): CatalogEntry | undefined {
    return this.index.entry(providerId, modelIdOrAlias);
  }

  /** Enabled models with this exact id, in catalog order. */
  withModelId(id: string): readonly CatalogEntry[] {
    return this.index.withModelId(id);
  }

  /** Enabled models carrying this alias, in catalog order. */
  withAlias(alias: string): readonly CatalogEntry[] {
    return this.index.withAlias(alias);
  }

  /** Enabled models with a capability, in catalog order. */
  withCapability(capability: Capability): readonly CatalogEntry[] {
    return this.index.withCapability(capability);
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
    }
    return this.index.withModelId(modelId).find((e) => e.provider.format === format)?.model.maxOutputTokens;
  }

  /**
   * Replaces the set of admin overrides (pricing, limits, disabling) with this one; overrides are
   * not cumulative across calls, so the stored set is always passed whole. Invalid values throw
   * InvalidRequestError naming the entry; entries for unknown models are reported, not applied.
   */
  applyOverrides(overrides: readonly ModelOverride[]): OverrideResult {
    overrides.forEach(checkOverride);
    const byModel = new Map<string, ModelOverride>();
    for (const override of overrides) byModel.set(`${override.provider}/${override.model}`, override);
    const used = new Set<string>();
    this.current = this.base.map((provider) => ({
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
    const unknown = overrides
      .filter((o) => !used.has(`${o.provider}/${o.model}`))
      .map((o) => ({ provider: o.provider, model: o.model }));
    return { applied: overrides.length - unknown.length, unknown };
  }
}
