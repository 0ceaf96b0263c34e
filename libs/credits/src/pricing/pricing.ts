import { MICROS_PER_CREDIT } from '@switchyard/core';
import type { ModelPricing, PricedQuantity } from '@switchyard/providers';
import { ceilDiv, formatDecimal, parseDecimal, pow10, type Decimal } from './decimal.js';

/**
 * Prices as the catalog states them: decimal strings of credits per million tokens, per image,
 * per audio minute, per million characters and per search unit. Structurally the providers lib's `ModelPricing`.
 */
export type Pricing = ModelPricing;

/** What one call used, as the provider reported it. */
export interface Usage {
  /** Prompt tokens, cache reads and writes included (the OpenAI convention). */
  inputTokens: number | bigint;
  outputTokens: number | bigint;
  /** The part of `inputTokens` served from the provider's prompt cache (capped at `inputTokens`). */
  cachedInputTokens?: number | bigint;
  /**
   * The part of `inputTokens` written to the provider's prompt cache (Anthropic's
   * cache_creation_input_tokens), 5-minute and 1-hour writes together; capped at what is left
   * of `inputTokens` after the cache reads.
   */
  cacheWriteTokens?: number | bigint;
  /** The part of `cacheWriteTokens` written for one hour (the rest is 5-minute writes). */
  cacheWrite1hTokens?: number | bigint;
  images?: number | bigint;
  /** Audio length in seconds; counted to the millisecond. */
  audioSeconds?: number;
  /** Characters of text to speech. */
  characters?: number | bigint;
  /** Rerank search units (Cohere: one per query over up to 100 documents). */
  searchUnits?: number | bigint;
}

/** How long a prompt may be kept in the provider's cache: Anthropic's two TTLs. */
export type CacheTtl = '5m' | '1h';

/** What a call may cost at most: its prompt plus the most output it may produce. */
export interface WorstCaseInput {
  promptTokens: number | bigint;
  /** `max_tokens` of the request, else the model's maximum output. */
  maxOutputTokens: number | bigint;
  images?: number | bigint;
  audioSeconds?: number;
  characters?: number | bigint;
  /** Rerank search units: see {@link searchUnitsFor}. */
  searchUnits?: number | bigint;
  /**
   * The request marks prompt blocks for caching (`cache_control`), with this longest TTL: the
   * whole prompt may then be billed at the cache-write price, which is above the input price.
   */
  cacheWrite?: CacheTtl;
}

/** Terms beyond the list prices. */
export interface PricingOptions {
  /** The model is deliberately free: every call costs 0 (the usage is still checked). */
  free?: boolean;
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

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** Anthropic bills a 5-minute cache write at 1.25 times the input price, a 1-hour write at 2 times. */
export const CACHE_WRITE_5M_MULTIPLIER = '1.25';
export const CACHE_WRITE_1H_MULTIPLIER = '2';

/** `price × multiplier`, exactly. */
function times(price: Decimal, multiplier: string): Decimal {
  const m = parseDecimal(multiplier);
  return { units: price.units * m.units, scale: price.scale + m.scale };
}

// The least common multiple of every `per` above, so all terms share one denominator.
const COMMON_PER = 3_000_000n;

/**
 * The cost of a call in micro-credits: list prices times usage, times the tenant's markup,
 * rounded UP to a whole micro-credit. Exact integer arithmetic throughout (no floats), so the
 * same inputs always give the same charge.
 *
 * cost = ceil( ( uncached * inputPerMTok / 1e6 + cached * cachedInputPerMTok / 1e6
 *               + written5m * cacheWrite5mPerMTok / 1e6 + written1h * cacheWrite1hPerMTok / 1e6
 *               + output * outputPerMTok / 1e6 + images * perImage
 *               + audioSeconds / 60 * perAudioMinute + characters * perMChars / 1e6
 *               + searchUnits * perSearch )
 *              * markup * 1e6 )
 *
 * where uncached = input - cached - written. Cached input without a cached price is billed at
 * the input price; cache writes without their own price at 1.25 (5 minutes) or 2 (1 hour) times
 * the input price, as Anthropic bills them. A quantity whose price the model does not list (e.g.
 * images on a text model) costs nothing here: refusing calls that need a missing price is the
 * job of the check before the reservation (`unpricedFor`). A free model costs 0.
 */
export function priceUsage(
  pricing: Pricing,
  usage: Usage,
  markup: string = '1',
  options: PricingOptions = {},
): bigint {
  const input = count(usage.inputTokens, 'inputTokens');
  const cached = min(count(usage.cachedInputTokens, 'cachedInputTokens'), input);
  const written = min(count(usage.cacheWriteTokens, 'cacheWriteTokens'), input - cached);
  const written1h = min(count(usage.cacheWrite1hTokens, 'cacheWrite1hTokens'), written);
  const outputs = count(usage.outputTokens, 'outputTokens');
  const images = count(usage.images, 'images');
  const audio = milliseconds(usage.audioSeconds);
  const characters = count(usage.characters, 'characters');
  const searchUnits = count(usage.searchUnits, 'searchUnits');
  const factor = parseDecimal(markup, 'markup');
  if (options.free) return 0n;
  // Each term is priced only when its quantity is not 0 (a price the model does not list costs
  // nothing); one running sum, no per-call closures or arrays (issue 20: this runs on every settlement).
  const sum = new TermSum();
  const uncached = input - cached - written;
  if (uncached > 0n) sum.add(uncached, rateOf(pricing, 'inputPerMTok'), 1_000_000n);
  if (cached > 0n) sum.add(cached, rateOrInput(pricing, 'cachedInputPerMTok'), 1_000_000n);
  const written5m = written - written1h;
  if (written5m > 0n)
    sum.add(written5m, rateOrInput(pricing, 'cacheWrite5mPerMTok', CACHE_WRITE_5M_MULTIPLIER), 1_000_000n);
  if (written1h > 0n)
    sum.add(written1h, rateOrInput(pricing, 'cacheWrite1hPerMTok', CACHE_WRITE_1H_MULTIPLIER), 1_000_000n);
  if (outputs > 0n) sum.add(outputs, rateOf(pricing, 'outputPerMTok'), 1_000_000n);
  if (images > 0n) sum.add(images, rateOf(pricing, 'perImage'), 1n);
  if (audio > 0n) sum.add(audio, rateOf(pricing, 'perAudioMinute'), 60_000n);
  if (characters > 0n) sum.add(characters, rateOf(pricing, 'perMChars'), 1_000_000n);
  if (searchUnits > 0n) sum.add(searchUnits, rateOf(pricing, 'perSearch'), 1n);
  if (!sum.priced) return 0n;
  // sum(quantity * price / per) = numerator / (COMMON_PER * 10^scale)
  const denominator = COMMON_PER * pow10(sum.scale) * pow10(factor.scale);
  return ceilDiv(sum.numerator * factor.units * MICROS_PER_CREDIT, denominator);
}

function rateOf(pricing: Pricing, field: keyof Pricing): Decimal | undefined {
  const value = pricing[field];
  return value === undefined ? undefined : parseDecimal(value, field);
}

/** A price's own rate, else the input rate (times `multiplier`, for cache writes). */
function rateOrInput(pricing: Pricing, field: keyof Pricing, multiplier?: string): Decimal | undefined {
  const own = rateOf(pricing, field);
  if (own !== undefined) return own;
  const base = rateOf(pricing, 'inputPerMTok');
  return base === undefined || multiplier === undefined ? base : times(base, multiplier);
}

/**
 * sum(quantity * price / per) as `numerator / (COMMON_PER * 10^scale)`, exactly, where `per` is
 * how many units the price is for (1,000,000 tokens, 1 image, 60,000 ms of audio, 1,000,000
 * characters); a term with more decimals than those before it scales the running numerator up.
 * A price is read only when its quantity is used, so a bad price of something a call does not
 * use cannot fail it.
 */
class TermSum {
  numerator = 0n;
  scale = 0;
  priced = false;

  add(quantity: bigint, price: Decimal | undefined, per: bigint): void {
    if (price === undefined) return;
    if (price.scale > this.scale) {
      this.numerator *= pow10(price.scale - this.scale);
      this.scale = price.scale;
    }
    this.numerator += quantity * price.units * pow10(this.scale - price.scale) * (COMMON_PER / per);
    this.priced = true;
  }
}

/** What a call may use, in the words of the unpriced check: everything its worst case counts. */
export function quantitiesUsed(worst: WorstCaseInput): PricedQuantity[] {
  const used: PricedQuantity[] = [];
  if (count(worst.promptTokens, 'promptTokens') > 0n) used.push('input tokens');
  if (count(worst.maxOutputTokens, 'maxOutputTokens') > 0n) used.push('output tokens');
  if (count(worst.images, 'images') > 0n) used.push('images');
  if (milliseconds(worst.audioSeconds) > 0n) used.push('audio minutes');
  if (count(worst.characters, 'characters') > 0n) used.push('characters');
  if (count(worst.searchUnits, 'searchUnits') > 0n) used.push('search units');
  return used;
}

/**
 * The most a call can cost, reserved before the upstream call: every prompt token at the full
 * (uncached) input price, plus `maxOutputTokens` of output, plus any images, audio, characters or
 * search units.
 * When the request marks blocks for caching, the prompt is priced as a cache write instead if
 * that is dearer (1-hour writes only when a 1-hour TTL was asked for).
 */
export function estimateWorstCase(
  pricing: Pricing,
  input: WorstCaseInput,
  markup: string = '1',
  options: PricingOptions = {},
): bigint {
  const usage: Usage = {
    inputTokens: input.promptTokens,
    outputTokens: input.maxOutputTokens,
    images: input.images,
    audioSeconds: input.audioSeconds,
    characters: input.characters,
    searchUnits: input.searchUnits,
  };
  let worst = priceUsage(pricing, usage, markup, options);
  if (input.cacheWrite === undefined) return worst;
  const ttls: CacheTtl[] = input.cacheWrite === '1h' ? ['5m', '1h'] : ['5m'];
  for (const ttl of ttls) {
    const cost = priceUsage(
      pricing,
      {
        ...usage,
        cacheWriteTokens: input.promptTokens,
        cacheWrite1hTokens: ttl === '1h' ? input.promptTokens : 0,
      },
      markup,
      options,
    );
    if (cost > worst) worst = cost;
  }
  return worst;
}

/** Documents one rerank search unit covers (Cohere: a query with up to 100 documents is 1 unit). */
export const DOCUMENTS_PER_SEARCH_UNIT = 100;

/** The search units a rerank of `documents` documents may be billed: ceil(documents / 100), at least 1. */
export function searchUnitsFor(documents: number): number {
  return Math.max(1, Math.ceil(documents / DOCUMENTS_PER_SEARCH_UNIT));
}

/** Validates a markup string (a positive decimal, at most 6 decimals) and returns it normalized. */
export function normalizeMarkup(value: string): string {
  const d = parseDecimal(value, 'markup');
  if (d.units === 0n) throw new RangeError('markup must be greater than 0');
  if (d.scale > 6) throw new RangeError('markup may have at most 6 decimals');
  return formatDecimal(d);
}
