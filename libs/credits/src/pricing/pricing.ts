import { MICROS_PER_CREDIT } from '@switchyard/core';
import type { ModelPricing } from '@switchyard/providers';
import { ceilDiv, formatDecimal, parseDecimal, pow10, type Decimal } from './decimal.js';

/**
 * Prices as the catalog states them: decimal strings of credits per million tokens, per image,
 * per audio minute and per million characters. Structurally the providers lib's `ModelPricing`.
 */
export type Pricing = ModelPricing;

/** What one call used, as the provider reported it. */
export interface Usage {
  /** Prompt tokens, cached ones included (the OpenAI convention). */
  inputTokens: number | bigint;
  outputTokens: number | bigint;
  /** The part of `inputTokens` served from the provider's prompt cache (capped at `inputTokens`). */
  cachedInputTokens?: number | bigint;
  images?: number | bigint;
  /** Audio length in seconds; counted to the millisecond. */
  audioSeconds?: number;
  /** Characters of text to speech. */
  characters?: number | bigint;
}

/** What a call may cost at most: its prompt plus the most output it may produce. */
export interface WorstCaseInput {
  promptTokens: number | bigint;
  /** `max_tokens` of the request, else the model's maximum output. */
  maxOutputTokens: number | bigint;
  images?: number | bigint;
  audioSeconds?: number;
  characters?: number | bigint;
}

function count(value: number | bigint | undefined, what: string): bigint {
  if (value === undefined) return 0n;
  if (typeof value === 'bigint') {
    if (value < 0n) throw new RangeError(`${what} must not be negative, got ${value}`);
    return value;
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
  }
  return BigInt(value);
}

function milliseconds(seconds: number | undefined): bigint {
  if (seconds === undefined) return 0n;
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`audioSeconds must be a non-negative number, got ${seconds}`);
  }
  return BigInt(Math.round(seconds * 1000));
}

/**
 * One priced quantity: `quantity * price / per`, where `per` is how many units the price is for
 * (1,000,000 tokens, 1 image, 60,000 ms of audio, 1,000,000 characters).
 */
interface Term {
  quantity: bigint;
  price: string | undefined;
  per: bigint;
  name: string;
}

// The least common multiple of every `per` above, so all terms share one denominator.
const COMMON_PER = 3_000_000n;

/**
 * The cost of a call in micro-credits: list prices times usage, times the tenant's markup,
 * rounded UP to a whole micro-credit. Exact integer arithmetic throughout (no floats), so the
 * same inputs always give the same charge.
 *
 * cost = ceil( ( (input - cached) * inputPerMTok / 1e6 + cached * cachedInputPerMTok / 1e6
 *               + output * outputPerMTok / 1e6 + images * perImage
 *               + audioSeconds / 60 * perAudioMinute + characters * perMChars / 1e6 )
 *              * markup * 1e6 )
 *
 * Cached input without a cached price is billed at the input price; a quantity whose price the
 * model does not list (e.g. images on a text model) costs nothing.
 */
export function priceUsage(pricing: Pricing, usage: Usage, markup: string = '1'): bigint {
  const input = count(usage.inputTokens, 'inputTokens');
  const cachedReported = count(usage.cachedInputTokens, 'cachedInputTokens');
  const cached = cachedReported > input ? input : cachedReported;
  const terms: Term[] = [
    { quantity: input - cached, price: pricing.inputPerMTok, per: 1_000_000n, name: 'inputPerMTok' },
    {
      quantity: cached,
      price: pricing.cachedInputPerMTok ?? pricing.inputPerMTok,
      per: 1_000_000n,
      name: 'cachedInputPerMTok',
    },
    {
      quantity: count(usage.outputTokens, 'outputTokens'),
      price: pricing.outputPerMTok,
      per: 1_000_000n,
      name: 'outputPerMTok',
    },
    { quantity: count(usage.images, 'images'), price: pricing.perImage, per: 1n, name: 'perImage' },
    {
      quantity: milliseconds(usage.audioSeconds),
      price: pricing.perAudioMinute,
      per: 60_000n,
      name: 'perAudioMinute',
    },
    {
      quantity: count(usage.characters, 'characters'),
      price: pricing.perMChars,
      per: 1_000_000n,
      name: 'perMChars',
    },
  ];
  const priced: Array<{ quantity: bigint; price: Decimal; per: bigint }> = [];
  for (const t of terms) {
    if (t.quantity === 0n || t.price === undefined) continue;
    priced.push({ quantity: t.quantity, price: parseDecimal(t.price, t.name), per: t.per });
  }
  const factor = parseDecimal(markup, 'markup');
  if (priced.length === 0) return 0n;
  const scale = Math.max(...priced.map((p) => p.price.scale));
  // sum(quantity * price / per) = numerator / (COMMON_PER * 10^scale)
  let numerator = 0n;
  for (const p of priced) {
    numerator += p.quantity * p.price.units * pow10(scale - p.price.scale) * (COMMON_PER / p.per);
  }
  const denominator = COMMON_PER * pow10(scale) * pow10(factor.scale);
  return ceilDiv(numerator * factor.units * MICROS_PER_CREDIT, denominator);
}

/**
 * The most a call can cost, reserved before the upstream call: every prompt token at the full
 * (uncached) input price, plus `maxOutputTokens` of output, plus any images, audio or characters.
 */
export function estimateWorstCase(pricing: Pricing, input: WorstCaseInput, markup: string = '1'): bigint {
  return priceUsage(
    pricing,
    {
      inputTokens: input.promptTokens,
      outputTokens: input.maxOutputTokens,
      images: input.images,
      audioSeconds: input.audioSeconds,
      characters: input.characters,
    },
    markup,
  );
}

/** Validates a markup string (a positive decimal, at most 6 decimals) and returns it normalized. */
export function normalizeMarkup(value: string): string {
  const d = parseDecimal(value, 'markup');
  if (d.units === 0n) throw new RangeError('markup must be greater than 0');
  if (d.scale > 6) throw new RangeError('markup may have at most 6 decimals');
  return formatDecimal(d);
}
