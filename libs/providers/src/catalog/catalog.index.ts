import type { Capability, CatalogEntry, CatalogProvider } from './catalog.types.js';

function append<K>(map: Map<K, CatalogEntry[]>, key: K, entry: CatalogEntry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

/**
 * Look-up tables over the enabled models, built once per catalog version so that resolving a
 * model name is a few map reads, never a scan. Lists keep catalog order (provider priority).
 */
export class CatalogIndex {
  private readonly providers = new Map<string, CatalogProvider>();
  /** `provider/model-or-alias` */
  private readonly explicit = new Map<string, CatalogEntry>();
  private readonly byId = new Map<string, CatalogEntry[]>();
  private readonly byAlias = new Map<string, CatalogEntry[]>();
  private readonly byCapability = new Map<Capability, CatalogEntry[]>();

  constructor(providers: readonly CatalogProvider[]) {
    for (const provider of providers) {
      this.providers.set(provider.id, provider);
      for (const model of provider.models) {
        if (model.disabled) continue;
        const entry: CatalogEntry = { provider, model };
        this.explicit.set(`${provider.id}/${model.id}`, entry);
        append(this.byId, model.id, entry);
        for (const alias of model.aliases) {
          this.explicit.set(`${provider.id}/${alias}`, entry);
          append(this.byAlias, alias, entry);
        }
        for (const capability of model.capabilities) append(this.byCapability, capability, entry);
      }
    }
  }

  provider(id: string): CatalogProvider | undefined {
    return this.providers.get(id);
  }

  /** A provider's model by id or alias. */
  entry(providerId: string, modelIdOrAlias: string): CatalogEntry | undefined {
    return this.explicit.get(`${providerId}/${modelIdOrAlias}`);
  }

  /** Every provider listing this exact model id, in catalog order. */
  withModelId(id: string): readonly CatalogEntry[] {
    return this.byId.get(id) ?? [];
  }

  /** Every model carrying this alias, in catalog order. */
  withAlias(alias: string): readonly CatalogEntry[] {
    return this.byAlias.get(alias) ?? [];
  }

  /** Every model with this capability, in catalog order. */
  withCapability(capability: Capability): readonly CatalogEntry[] {
    return this.byCapability.get(capability) ?? [];
  }
}
