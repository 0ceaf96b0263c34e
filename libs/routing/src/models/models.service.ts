import { RouteRegistry } from '../routes/route.registry.js';
import { PerformanceTracker, type TargetStats } from '../tracker/performance-tracker.js';
import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { ModelNotFoundError, NotFoundError } from '@switchyard/core';
import {
  CatalogService,
  KEY_SOURCE,
  ModelResolver,
  type Capability,
  type KeySource,
  type KeyScope,
} from '@switchyard/providers';
import { modelAllowed } from '../model-access.js';
import type { ModelTier } from './model-tier.js';
import { ModelView, ProviderView, UnlistedModelsView } from './models.dto.js';

/** An OpenAI model object. */
export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  /** Other names that resolve to this model (catalog aliases, e.g. retired OpenAI names); an extension. */
  aliases?: string[];
}

// Catalog models have no creation time; a fixed one keeps responses stable.
const CREATED = 1_735_689_600;

@Injectable()
export class ModelsService {
  /** Names the gateway itself serves (`auto`), by their owner. */
  private readonly virtual = new Map<string, string>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly resolver: ModelResolver,
    @Inject(KEY_SOURCE) private readonly keys: KeySource,
    private readonly routes: RouteRegistry,
    private readonly tracker: PerformanceTracker,
  ) {}

  /**
   * A model name a lib above routing serves for every caller (orchestration's `auto`): listed in
   * /v1/models and found by /v1/models/{id}. A key's allowed models apply by name.
   */
  addVirtualModel(id: string, ownedBy: string): void {
    this.virtual.set(id, ownedBy);
  }

  /** GET /api/v1/models/{provider}/{model}/stats: the performance tracker's window for one model. */
  stats(caller: Caller, provider: string, model: string): TargetStats {
    const resolved = this.resolver.tryResolve(`${provider}/${model}`, scopeFor(caller));
    if (!resolved) throw new ModelNotFoundError(`${provider}/${model}`);
    return this.tracker.stats(resolved.id);
  }

  /** GET /v1/models: what this caller can call now. */
  listOpenAi(caller: Caller): { object: 'list'; data: OpenAiModel[] } {
    const scope = scopeFor(caller);
    const data: OpenAiModel[] = [];
    // The caller's tenant adds its own runtime providers to the shared catalog.
    for (const provider of this.catalog.providers(caller.tenantId)) {
      if (!this.keys.isAvailable(provider.id, scope)) continue;
      for (const model of provider.models) {
        if (model.disabled) continue;
        const id = `${provider.id}/${model.id}`;
        if (!modelAllowed(caller.apiKey?.allowedModels, { id, requested: id, provider, model } as never))
          continue;
        data.push({
          id,
          object: 'model',
          created: CREATED,
          owned_by: provider.id,
          ...(model.aliases.length > 0 ? { aliases: [...model.aliases] } : {}),
        });
      }
    }
    // Named routes are models too (owned by the gateway); a key's allowed models apply by name.
    for (const route of this.routes.visible(caller.tenantId)) {
      const allowed = caller.apiKey?.allowedModels;
      if (allowed && !allowed.includes(route.name)) continue;
      data.push({ id: route.name, object: 'model', created: CREATED, owned_by: 'switchyard-route' });
    }
    for (const [id, ownedBy] of this.virtual) {
      const allowed = caller.apiKey?.allowedModels;
      if (allowed && !allowed.includes(id)) continue;
      data.push({ id, object: 'model', created: CREATED, owned_by: ownedBy });
    }
    return { object: 'list', data };
  }

  /** GET /v1/models/{id}: any name the caller could send as `model`. */
  getOpenAi(caller: Caller, name: string): OpenAiModel {
    const virtual = this.virtual.get(name);
    if (virtual !== undefined) {
      const allowed = caller.apiKey?.allowedModels;
      if (allowed && !allowed.includes(name)) throw new ModelNotFoundError(name);
      return { id: name, object: 'model', created: CREATED, owned_by: virtual };
    }
    const route = this.routes.find(name, caller.tenantId);
    if (route) {
      const allowed = caller.apiKey?.allowedModels;
      if (allowed && !allowed.includes(route.name)) throw new ModelNotFoundError(name);
      return { id: route.name, object: 'model', created: CREATED, owned_by: 'switchyard-route' };
    }
    const resolved = this.resolver.tryResolve(name, scopeFor(caller));
    if (!resolved || !modelAllowed(caller.apiKey?.allowedModels, resolved))
      throw new ModelNotFoundError(name);
    return { id: resolved.id, object: 'model', created: CREATED, owned_by: resolved.provider.id };
  }

  /**
   * GET /api/v1/models: every provider and model with metadata, and whether it is usable; with
   * `unpriced`, only the models (and unlisted-model terms) with a pricing gap.
   */
  providers(
    caller: Caller,
    filter: { unpriced?: boolean; capability?: Capability; tier?: ModelTier } = {},
  ): ProviderView[] {
    const scope = scopeFor(caller);
    const views = this.catalog.providers(caller.tenantId).map((provider) => {
      const available = this.keys.isAvailable(provider.id, scope);
      return {
        id: provider.id,
        name: provider.name,
        format: provider.format,
        available,
        models: provider.models.map((m) => ModelView.from(provider, m, available && !m.disabled)),
        unlisted_models: UnlistedModelsView.from(provider),
      };
    });
    const listed = filter.unpriced ? onlyUnpriced(views) : views;
    if (!filter.capability && !filter.tier) return listed;
    // A registry view (MoE): the matching models, under the providers that have any.
    return listed
      .map((p) => ({
        ...p,
        models: p.models.filter(
          (m) =>
            (!filter.capability || m.capabilities.includes(filter.capability)) &&
            (!filter.tier || m.tier === filter.tier),
        ),
      }))
      .filter((p) => p.models.length > 0);
  }

  provider(caller: Caller, providerId: string): ProviderView {
    const found = this.providers(caller).find((p) => p.id === providerId);
    if (!found) throw new NotFoundError(`No provider ${providerId} in the catalog.`);
    return found;
  }

  model(caller: Caller, providerId: string, modelId: string): ModelView {
    const provider = this.provider(caller, providerId);
    const model = provider.models.find((m) => m.model === modelId || m.aliases.includes(modelId));
    if (!model) throw new ModelNotFoundError(`${providerId}/${modelId}`);
    return model;
  }
}

/** The pricing gaps of a model listing: providers keep only their models (and terms) with gaps. */
function onlyUnpriced(views: ProviderView[]): ProviderView[] {
  return views.flatMap(({ unlisted_models, ...view }) => {
    const models = view.models.filter((m) => m.unpriced.length > 0);
    const terms = unlisted_models?.unpriced.length ? { unlisted_models } : undefined;
    return models.length > 0 || terms ? [{ ...view, models, ...terms }] : [];
  });
}

/**
 * Whose keys may serve a caller's call: the caller's tenant and user pools, plus the provider
 * keys the request carried (`X-Provider-Key` as a string, or a call context with its per-provider
 * keys too).
 */
export function scopeFor(
  caller: Caller,
  keys?: string | { requestKey?: string; requestKeys?: Readonly<Record<string, string>> },
): KeyScope {
  if (typeof keys !== 'object') return { tenantId: caller.tenantId, userId: caller.userId, requestKey: keys };
  return {
    tenantId: caller.tenantId,
    userId: caller.userId,
    requestKey: keys.requestKey,
    ...(keys.requestKeys ? { requestKeys: keys.requestKeys } : {}),
  };
}
