import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  CatalogService,
  pricingGaps,
  type CatalogProvider,
  type PricedQuantity,
} from '@switchyard/providers';

/** One model (or a provider's terms for unlisted ids, `provider/*`) with no price for something it serves. */
export interface PricingGap {
  model: string;
  unpriced: PricedQuantity[];
}

/** Every enabled model of these providers that would be refused as unpriced, in catalog order. */
export function catalogGaps(providers: readonly CatalogProvider[]): PricingGap[] {
  const gaps: PricingGap[] = [];
  for (const provider of providers) {
    if (provider.unlistedModels) {
      const unpriced = pricingGaps(provider.unlistedModels);
      if (unpriced.length > 0) gaps.push({ model: `${provider.id}/*`, unpriced });
    }
    for (const model of provider.models) {
      if (model.disabled) continue;
      const unpriced = pricingGaps(model);
      if (unpriced.length > 0) gaps.push({ model: `${provider.id}/${model.id}`, unpriced });
    }
  }
  return gaps;
}

/**
 * Says at start, in one warning line, which models have no price for what they serve (catalog
 * files, admin overrides and runtime providers as loaded by then): calls that need the missing
 * price are refused with 400 model_not_priced until an operator prices the model or marks it free.
 */
@Injectable()
export class PricingGapsReporter implements OnApplicationBootstrap {
  private readonly logger = new Logger('Pricing');

  constructor(private readonly catalog: CatalogService) {}

  onApplicationBootstrap(): void {
    const gaps = catalogGaps(this.catalog.providers());
    if (gaps.length === 0) return;
    const named = gaps.map((g) => `${g.model} (${g.unpriced.join(', ')})`).join('; ');
    this.logger.warn(
      { unpriced: gaps },
      `${gaps.length} model(s) have no price for what they serve and are refused (400 model_not_priced) ` +
        `until priced or marked free: ${named}. See GET /api/v1/models?unpriced=true.`,
    );
  }
}
