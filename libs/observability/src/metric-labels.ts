import { boundedLru } from '@switchyard/core';

/** What the labels are capped to: the catalog (built-in and platform providers, listed models). */
export interface LabelCatalog {
  provider(id: string): unknown;
  model(providerId: string, modelId: string): unknown;
}

/** The label of anything the catalog does not list (unlisted models, tenants' own providers). */
export const OTHER = 'other';
/** The label of a request no model or provider served (a 401, a 404, the management API). */
export const NONE = 'none';

/**
 * Bounded label values: a provider or model the platform catalog does not list becomes `other`,
 * so a caller sending random model names (unlisted models pass through to some providers) cannot
 * grow the series count. Answers are memoised in a bounded LRU: the hot path does one map lookup.
 */
export class MetricLabels {
  private readonly models = boundedLru<string, string>(4_096);
  private readonly providers = boundedLru<string, string>(1_024);

  constructor(private readonly catalog: LabelCatalog) {}

  provider(id: string | undefined): string {
    if (!id) return NONE;
    let label = this.providers.get(id);
    if (label === undefined) {
      label = this.catalog.provider(id) ? id : OTHER;
      this.providers.set(id, label);
    }
    return label;
  }

  /** A canonical `provider/model` id. */
  model(id: string | undefined): string {
    if (!id) return NONE;
    let label = this.models.get(id);
    if (label === undefined) {
      const slash = id.indexOf('/');
      label =
        slash > 0 &&
        this.catalog.provider(id.slice(0, slash)) &&
        this.catalog.model(id.slice(0, slash), id.slice(slash + 1))
          ? id
          : OTHER;
      this.models.set(id, label);
    }
    return label;
  }
}
