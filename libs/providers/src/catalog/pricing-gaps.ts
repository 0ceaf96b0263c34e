import { InvalidRequestError } from '@switchyard/core';
import type { Capability, ModelPricing, Operation } from './catalog.types.js';

/** What a call can be charged for, in the words a 400 and the gap list use. */
export const PRICED_QUANTITIES = [
  'input tokens',
  'output tokens',
  'images',
  'audio minutes',
  'characters',
  'search units',
] as const;

export type PricedQuantity = (typeof PRICED_QUANTITIES)[number];

/** The price that pays for each quantity. Cache reads and writes fall back to the input price. */
export const PRICE_FIELD_OF = {
  'input tokens': 'inputPerMTok',
  'output tokens': 'outputPerMTok',
  images: 'perImage',
  'audio minutes': 'perAudioMinute',
  characters: 'perMChars',
  'search units': 'perSearch',
} as const satisfies Record<PricedQuantity, keyof ModelPricing>;

/** What each operation uses, so what a model serving it must have a price for. */
export const QUANTITIES_OF = {
  chat: ['input tokens', 'output tokens'],
  completions: ['input tokens', 'output tokens'],
  embeddings: ['input tokens'],
  images: ['images'],
  audio_speech: ['characters'],
  audio_transcription: ['audio minutes'],
  rerank: ['search units'],
} as const satisfies Record<Operation, readonly PricedQuantity[]>;

/** The pricing side of a model (a catalog model, or a provider's terms for unlisted ids). */
export interface PricedTerms {
  readonly pricing: ModelPricing;
  readonly free?: boolean;
  readonly capabilities?: readonly Capability[];
}

/** A price is a price when it is there and above zero ("0" is how a gap used to be written). */
export function hasPrice(price: string | undefined): boolean {
  return price !== undefined && /[1-9]/.test(price);
}

/**
 * The quantities among `uses` the model has no price for, in {@link PRICED_QUANTITIES} order;
 * empty for a model marked free.
 */
export function unpricedFor(model: PricedTerms, uses: Iterable<PricedQuantity>): PricedQuantity[] {
  if (model.free) return [];
  const wanted = new Set(uses);
  return PRICED_QUANTITIES.filter((q) => wanted.has(q) && !hasPrice(model.pricing[PRICE_FIELD_OF[q]]));
}

/** The gaps of a model across every operation it serves (what `?unpriced=true` and the boot warning list). */
export function pricingGaps(model: PricedTerms): PricedQuantity[] {
  const uses = new Set<PricedQuantity>();
  for (const capability of model.capabilities ?? []) {
    const quantities = (QUANTITIES_OF as Partial<Record<Capability, readonly PricedQuantity[]>>)[capability];
    for (const q of quantities ?? []) uses.add(q);
  }
  return unpricedFor(model, uses);
}

/**
 * A paying caller asked for something the model has no price for: refused before anything is
 * reserved or sent upstream, so a gap in the catalog never turns into free calls.
 */
export class ModelNotPricedError extends InvalidRequestError {
  constructor(
    readonly model: string,
    readonly unpriced: readonly PricedQuantity[],
  ) {
    super(
      `The model '${model}' has no price for ${unpriced.join(', ')}, so it cannot be charged for. ` +
        'An operator must price it or mark it free.',
      { code: 'model_not_priced', param: 'model', details: { unpriced: [...unpriced] } },
    );
  }
}
