import type { CatalogModel } from '@switchyard/providers';

/** A model's price class, for registry views (MoE's `tier`): see docs/compat.md. */
export const MODEL_TIERS = ['free', 'low', 'standard', 'premium'] as const;
export type ModelTier = (typeof MODEL_TIERS)[number];

/**
 * Thresholds in credits (≈ USD) of the model's main unit: per million output tokens for text
 * models, per image, per audio minute, per million characters of speech. Below the first: low;
 * below the second: standard; else premium.
 */
const THRESHOLDS: Array<[keyof CatalogModel['pricing'], number, number]> = [
  ['outputPerMTok', 1, 10],
  ['perImage', 0.02, 0.1],
  ['perAudioMinute', 0.01, 0.1],
  ['perMChars', 5, 20],
];

/** The tier of a model from its price; free when marked free or priced at nothing. */
export function tierOf(model: Pick<CatalogModel, 'pricing' | 'free'>): ModelTier {
  if (model.free) return 'free';
  for (const [field, low, standard] of THRESHOLDS) {
    const price = Number(model.pricing[field] ?? 0);
    if (price > 0) return price < low ? 'low' : price < standard ? 'standard' : 'premium';
  }
  return Number(model.pricing.inputPerMTok ?? 0) > 0 ? 'low' : 'free';
}
