import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ModelNotPricedError, unpricedFor, type PricedQuantity } from '@switchyard/providers';
import {
  estimateWorstCase,
  normalizeMarkup,
  priceUsage,
  quantitiesUsed,
  searchUnitsFor,
  type Pricing,
  type Usage,
} from './pricing.js';

const mini: Pricing = { inputPerMTok: '0.15', outputPerMTok: '0.60' };
const cachedModel: Pricing = { inputPerMTok: '2.50', outputPerMTok: '10', cachedInputPerMTok: '1.25' };
const media: Pricing = {
  inputPerMTok: '0',
  outputPerMTok: '0',
  perImage: '0.04',
  perAudioMinute: '0.006',
  perMChars: '15',
};

describe('priceUsage', () => {
  const cases: Array<[string, Pricing, Usage, string, bigint]> = [
    ['zero usage costs nothing', mini, { inputTokens: 0, outputTokens: 0 }, '1', 0n],
    ['zero usage with markup costs nothing', mini, { inputTokens: 0, outputTokens: 0 }, '3.5', 0n],
    ['tokens in and out', mini, { inputTokens: 1000, outputTokens: 500 }, '1', 450n],
    ['a fraction of a micro-credit rounds up', mini, { inputTokens: 1, outputTokens: 0 }, '1', 1n],
    ['an exact micro-credit does not round', mini, { inputTokens: 20, outputTokens: 0 }, '1', 3n],
    ['markup 1.2', mini, { inputTokens: 1000, outputTokens: 500 }, '1.2', 540n],
    ['markup below 1', mini, { inputTokens: 1000, outputTokens: 0 }, '0.5', 75n],
    ['markup rounds up after multiplying', mini, { inputTokens: 1, outputTokens: 0 }, '1.25', 1n],
    [
      'a million tokens at 3 per MTok is 3 credits',
      { inputPerMTok: '3', outputPerMTok: '0' },
      { inputTokens: 1_000_000, outputTokens: 0 },
      '1',
      3_000_000n,
    ],
    [
      'cached input at its own price',
      cachedModel,
      { inputTokens: 1000, outputTokens: 0, cachedInputTokens: 400 },
      '1',
      2000n,
    ],
    [
      'cached input without a cached price at the input price',
      { inputPerMTok: '2.5', outputPerMTok: '10' },
      { inputTokens: 1000, outputTokens: 0, cachedInputTokens: 400 },
      '1',
      2500n,
    ],
    [
      'cached beyond input is capped at input',
      { inputPerMTok: '2', outputPerMTok: '0', cachedInputPerMTok: '1' },
      { inputTokens: 100, outputTokens: 0, cachedInputTokens: 500 },
      '1',
      100n,
    ],
    ['images', media, { inputTokens: 0, outputTokens: 0, images: 3 }, '1', 120_000n],
    ['audio by the minute', media, { inputTokens: 0, outputTokens: 0, audioSeconds: 90 }, '1', 9000n],
    ['half a second of audio', media, { inputTokens: 0, outputTokens: 0, audioSeconds: 0.5 }, '1', 50n],
    [
      'one millisecond of audio rounds up',
      media,
      { inputTokens: 0, outputTokens: 0, audioSeconds: 0.001 },
      '1',
      1n,
    ],
    ['characters', media, { inputTokens: 0, outputTokens: 0, characters: 1000 }, '1', 15_000n],
    [
      'a quantity the model does not price costs nothing',
      mini,
      { inputTokens: 0, outputTokens: 0, images: 5, audioSeconds: 60 },
      '1',
      0n,
    ],
    [
      'a free model',
      { inputPerMTok: '0', outputPerMTok: '0' },
      { inputTokens: 123_456, outputTokens: 789 },
      '2',
      0n,
    ],
    [
      'a tiny price still costs a micro-credit',
      { inputPerMTok: '0.000001', outputPerMTok: '0' },
      { inputTokens: 1, outputTokens: 0 },
      '1',
      1n,
    ],
    [
      'everything at once',
      { ...cachedModel, perImage: '0.01' },
      { inputTokens: 2000, outputTokens: 1000, cachedInputTokens: 1000, images: 2 },
      '1.1',
      37_125n,
    ],
    [
      'the largest safe token count',
      mini,
      { inputTokens: 0, outputTokens: Number.MAX_SAFE_INTEGER },
      '1',
      5_404_319_552_844_595n,
    ],
    [
      'huge bigint counts stay exact',
      mini,
      { inputTokens: 10n ** 15n, outputTokens: 10n ** 15n },
      '1',
      750_000_000_000_000n,
    ],
    [
      'huge counts times a markup',
      mini,
      { inputTokens: 10n ** 18n, outputTokens: 0 },
      '1.000001',
      150_000_150_000_000_000n,
    ],
  ];

  it.each(cases)('%s', (_name, pricing, usage, markup, expected) => {
    expect(priceUsage(pricing, usage, markup)).toBe(expected);
  });

  it('defaults the markup to 1', () => {
    expect(priceUsage(mini, { inputTokens: 1000, outputTokens: 500 })).toBe(450n);
  });

  it('never uses floating point: 0.1 + 0.2 worth of tokens is exactly 0.3', () => {
    const p: Pricing = { inputPerMTok: '0.1', outputPerMTok: '0.2' };
    expect(priceUsage(p, { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBe(300_000n);
  });

  it.each<[string, Pricing, Usage, string]>([
    ['negative tokens', mini, { inputTokens: -1, outputTokens: 0 }, '1'],
    ['fractional tokens', mini, { inputTokens: 1.5, outputTokens: 0 }, '1'],
    ['unsafe integers', mini, { inputTokens: 2 ** 60, outputTokens: 0 }, '1'],
    ['negative bigint', mini, { inputTokens: 0, outputTokens: -1n }, '1'],
    ['negative audio', media, { inputTokens: 0, outputTokens: 0, audioSeconds: -1 }, '1'],
    ['a non-decimal markup', mini, { inputTokens: 1, outputTokens: 1 }, '1e2'],
    [
      'a negative price',
      { inputPerMTok: '-1', outputPerMTok: '0' },
      { inputTokens: 1, outputTokens: 0 },
      '1',
    ],
    [
      'an exponent price',
      { inputPerMTok: '1e-3', outputPerMTok: '0' },
      { inputTokens: 1, outputTokens: 0 },
      '1',
    ],
  ])('refuses %s', (_name, pricing, usage, markup) => {
    expect(() => priceUsage(pricing, usage, markup)).toThrow(RangeError);
  });
});

/**
 * What a call pays, as the metering does it: refused before anything is reserved when the model
 * has no price for something the call uses (unless it is free), else priced.
 */
function charge(pricing: Pricing, free: boolean, usage: Usage, markup = '1'): bigint {
  const worst = { ...usage, promptTokens: usage.inputTokens, maxOutputTokens: usage.outputTokens };
  const unpriced = unpricedFor({ pricing, free }, quantitiesUsed(worst));
  if (unpriced.length > 0) throw new ModelNotPricedError('test/model', unpriced);
  return priceUsage(pricing, usage, markup, { free });
}

describe('priceUsage against a reference sum at a fixed scale', () => {
  // Independent of the implementation's running scale: every price at 10^-30, every term over
  // the same denominator, one ceiling at the end (credits are micro-credits, rounded up).
  const FIELDS = [
    ['inputPerMTok', 'inputTokens', 1_000_000n],
    ['outputPerMTok', 'outputTokens', 1_000_000n],
    ['perImage', 'images', 1n],
    ['perMChars', 'characters', 1_000_000n],
    ['perSearch', 'searchUnits', 1n],
  ] as const;
  const decimal = fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 8n }), fc.integer({ min: 0, max: 12 }))
    .map(([units, scale]) => {
      const digits = units.toString().padStart(scale + 1, '0');
      return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    });
  const exact = (text: string): [bigint, bigint] => {
    const [whole, frac = ''] = text.split('.');
    return [BigInt(whole! + frac), 10n ** BigInt(frac.length)];
  };

  it('gives the exact ceiling of sum(quantity x price / per) x markup, in micro-credits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(decimal, { nil: undefined }), { minLength: 5, maxLength: 5 }),
        fc.array(fc.nat({ max: 10_000_000 }), { minLength: 5, maxLength: 5 }),
        decimal.filter((m) => Number(m) > 0),
        (prices, quantities, markup) => {
          const pricing: Record<string, string> = {};
          const usage: Record<string, number> = { inputTokens: 0, outputTokens: 0 };
          let numerator = 0n;
          const D = 10n ** 30n * 3_000_000n;
          FIELDS.forEach(([field, quantity, per], i) => {
            if (prices[i] !== undefined) pricing[field] = prices[i];
            usage[quantity] = quantities[i]!;
            if (prices[i] === undefined) return;
            const [units, scale] = exact(prices[i]);
            numerator += BigInt(quantities[i]!) * units * (10n ** 30n / scale) * (3_000_000n / per);
          });
          const [mUnits, mScale] = exact(markup);
          const total = numerator * mUnits * 1_000_000n;
          const denominator = D * mScale;
          const expected = (total + denominator - 1n) / denominator;
          expect(priceUsage(pricing as unknown as Pricing, usage as unknown as Usage, markup)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('priceUsage: prompt caching, free and unpriced models', () => {
  // Anthropic's published Sonnet prices: writes default to 1.25x (3.75) and 2x (6) the input.
  const claude: Pricing = { inputPerMTok: '3', outputPerMTok: '15', cachedInputPerMTok: '0.30' };
  const explicit: Pricing = { ...claude, cacheWrite5mPerMTok: '4', cacheWrite1hPerMTok: '5' };
  const gpt: Pricing = { inputPerMTok: '0.15', outputPerMTok: '0.60', cachedInputPerMTok: '0.075' };
  // 1000 prompt tokens: 300 read, 500 written (200 of them for an hour), 200 plain; 100 out.
  const mixed: Usage = {
    inputTokens: 1000,
    outputTokens: 100,
    cachedInputTokens: 300,
    cacheWriteTokens: 500,
    cacheWrite1hTokens: 200,
  };
  const cases: Array<[string, Pricing, boolean, Usage, string, bigint | PricedQuantity[]]> = [
    // Prices are per million tokens, so tokens × price is micro-credits: 1000 × 3 + 100 × 15.
    ['no cache', claude, false, { inputTokens: 1000, outputTokens: 100 }, '1', 4500n],
    // 200 × 3 + 800 × 0.30 + 100 × 15
    [
      'cache read only',
      claude,
      false,
      { inputTokens: 1000, outputTokens: 100, cachedInputTokens: 800 },
      '1',
      2340n,
    ],
    [
      'an OpenAI cache read at its own rate',
      gpt,
      false,
      { inputTokens: 1000, outputTokens: 0, cachedInputTokens: 600 },
      '1',
      105n,
    ],
    // 200 × 3 + 800 × 3.75 + 100 × 15
    [
      '5-minute write at 1.25x input',
      claude,
      false,
      { inputTokens: 1000, outputTokens: 100, cacheWriteTokens: 800 },
      '1',
      5100n,
    ],
    // 200 × 3 + 800 × 6 + 100 × 15
    [
      '1-hour write at 2x input',
      claude,
      false,
      { inputTokens: 1000, outputTokens: 100, cacheWriteTokens: 800, cacheWrite1hTokens: 800 },
      '1',
      6900n,
    ],
    // 200 × 3 + 300 × 0.30 + 300 × 3.75 + 200 × 6 + 100 × 15
    ['mixed reads and writes', claude, false, mixed, '1', 4515n],
    ['mixed with a markup rounds up once', claude, false, mixed, '1.5', 6773n],
    // 200 × 3 + 300 × 0.30 + 300 × 4 + 200 × 5 + 100 × 15
    ['explicit write rates win over the defaults', explicit, false, mixed, '1', 4390n],
    // No cached or write prices at all: reads at the input price, writes at its multiples.
    // 200 × 3 + 300 × 3 + 300 × 3.75 + 200 × 6 + 100 × 15
    [
      'missing explicit rates default from the input price',
      { inputPerMTok: '3', outputPerMTok: '15' },
      false,
      mixed,
      '1',
      5325n,
    ],
    // 60 read; writes capped at the 40 left: 60 × 0.30 + 40 × 3.75
    [
      'writes are capped at what reads leave of the prompt',
      claude,
      false,
      { inputTokens: 100, outputTokens: 0, cachedInputTokens: 60, cacheWriteTokens: 80 },
      '1',
      168n,
    ],
    // 10 written, all for an hour however many the provider said: 10 × 6
    [
      'the 1-hour part is capped at the writes',
      claude,
      false,
      { inputTokens: 10, outputTokens: 0, cacheWriteTokens: 10, cacheWrite1hTokens: 50 },
      '1',
      60n,
    ],
    ['a free model costs nothing', claude, true, mixed, '2', 0n],
    [
      'a free model with no prices is served',
      { inputPerMTok: '0', outputPerMTok: '0' },
      true,
      { inputTokens: 5000, outputTokens: 700 },
      '1',
      0n,
    ],
    [
      'unpriced output tokens are refused',
      { inputPerMTok: '3', outputPerMTok: '0' },
      false,
      { inputTokens: 10, outputTokens: 10 },
      '1',
      ['output tokens'],
    ],
    [
      'a model with no token prices is refused for chat',
      { inputPerMTok: '0', outputPerMTok: '0.000' },
      false,
      mixed,
      '1',
      ['input tokens', 'output tokens'],
    ],
    [
      'an image call needs a per-image price, not token prices',
      { inputPerMTok: '0', outputPerMTok: '0' },
      false,
      { inputTokens: 0, outputTokens: 0, images: 2 },
      '1',
      ['images'],
    ],
    [
      'an image call with a per-image price is served',
      { inputPerMTok: '0', outputPerMTok: '0', perImage: '0.04' },
      false,
      { inputTokens: 0, outputTokens: 0, images: 2 },
      '1',
      80_000n,
    ],
    [
      'an embedding call needs only the input price',
      { inputPerMTok: '0.02', outputPerMTok: '0' },
      false,
      { inputTokens: 1000, outputTokens: 0 },
      '1',
      20n,
    ],
    [
      'speech and transcription need their own prices',
      { inputPerMTok: '1', outputPerMTok: '1' },
      false,
      { inputTokens: 0, outputTokens: 0, characters: 10, audioSeconds: 3 },
      '1',
      ['audio minutes', 'characters'],
    ],
  ];

  it.each(cases)('%s', (_name, pricing, free, usage, markup, expected) => {
    if (typeof expected === 'bigint') {
      expect(charge(pricing, free, usage, markup)).toBe(expected);
      return;
    }
    let refused: unknown;
    try {
      charge(pricing, free, usage, markup);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ModelNotPricedError);
    const error = refused as ModelNotPricedError;
    expect(error.unpriced).toEqual(expected);
    expect(error.toEnvelope().error).toMatchObject({
      type: 'invalid_request_error',
      code: 'model_not_priced',
      param: 'model',
      unpriced: expected,
    });
    expect(error.message).toContain(`'test/model' has no price for ${expected.join(', ')}`);
  });
});

describe('estimateWorstCase', () => {
  it('prices the whole prompt plus the maximum output', () => {
    expect(estimateWorstCase(mini, { promptTokens: 1000, maxOutputTokens: 500 })).toBe(450n);
    expect(estimateWorstCase(mini, { promptTokens: 1000, maxOutputTokens: 500 }, '2')).toBe(900n);
  });

  it('reserves the prompt at the write price when the request marks cache blocks', () => {
    const claude: Pricing = { inputPerMTok: '3', outputPerMTok: '15' };
    const limits = { promptTokens: 1000, maxOutputTokens: 100 };
    expect(estimateWorstCase(claude, limits)).toBe(4500n);
    expect(estimateWorstCase(claude, { ...limits, cacheWrite: '5m' })).toBe(5250n);
    expect(estimateWorstCase(claude, { ...limits, cacheWrite: '1h' })).toBe(7500n);
    // A write priced below the input price never lowers the reservation.
    const cheap: Pricing = { ...claude, cacheWrite5mPerMTok: '1', cacheWrite1hPerMTok: '1' };
    expect(estimateWorstCase(cheap, { ...limits, cacheWrite: '1h' })).toBe(4500n);
    for (const usage of [
      { inputTokens: 1000, outputTokens: 100, cacheWriteTokens: 1000, cacheWrite1hTokens: 1000 },
      { inputTokens: 1000, outputTokens: 100, cacheWriteTokens: 1000 },
      { inputTokens: 1000, outputTokens: 100, cachedInputTokens: 500, cacheWriteTokens: 500 },
    ]) {
      expect(priceUsage(claude, usage)).toBeLessThanOrEqual(
        estimateWorstCase(claude, { ...limits, cacheWrite: '1h' }),
      );
    }
    expect(estimateWorstCase(claude, { ...limits, cacheWrite: '1h' }, '1', { free: true })).toBe(0n);
  });

  it('is never below the actual cost of a call within those limits', () => {
    const worst = estimateWorstCase(cachedModel, { promptTokens: 5000, maxOutputTokens: 800 }, '1.3');
    for (const usage of [
      { inputTokens: 5000, outputTokens: 800 },
      { inputTokens: 5000, outputTokens: 800, cachedInputTokens: 5000 },
      { inputTokens: 5000, outputTokens: 1 },
    ]) {
      expect(priceUsage(cachedModel, usage, '1.3')).toBeLessThanOrEqual(worst);
    }
  });
});

describe('rerank search units', () => {
  const rerank: Pricing = { inputPerMTok: '0', outputPerMTok: '0', perSearch: '0.002' };

  it('counts one unit per 100 documents, at least one', () => {
    expect([1, 99, 100, 101, 200, 201, 1000].map(searchUnitsFor)).toEqual([1, 1, 1, 2, 2, 3, 10]);
  });

  it('prices units x perSearch, marked up, and reserves the worst case', () => {
    expect(priceUsage(rerank, { inputTokens: 0, outputTokens: 0, searchUnits: 1 })).toBe(2000n);
    expect(priceUsage(rerank, { inputTokens: 0, outputTokens: 0, searchUnits: 3 }, '1.5')).toBe(9000n);
    const worst = estimateWorstCase(rerank, {
      promptTokens: 0,
      maxOutputTokens: 0,
      searchUnits: searchUnitsFor(250),
    });
    expect(worst).toBe(6000n);
    expect(priceUsage(rerank, { inputTokens: 0, outputTokens: 0, searchUnits: 1 })).toBeLessThanOrEqual(
      worst,
    );
    expect(priceUsage(rerank, { inputTokens: 0, outputTokens: 0, searchUnits: 2 }, '1', { free: true })).toBe(
      0n,
    );
  });

  it('names search units among the quantities a rerank uses, and their gap on an unpriced model', () => {
    const used = quantitiesUsed({ promptTokens: 0, maxOutputTokens: 0, searchUnits: 1 });
    expect(used).toEqual(['search units']);
    expect(unpricedFor({ pricing: mini }, used)).toEqual(['search units']);
    expect(unpricedFor({ pricing: rerank }, used)).toEqual([]);
    expect(() => priceUsage(rerank, { inputTokens: 0, outputTokens: 0, searchUnits: -1 })).toThrow(
      RangeError,
    );
  });
});

describe('normalizeMarkup', () => {
  it.each([
    ['1', '1'],
    ['1.50', '1.5'],
    ['0.000001', '0.000001'],
    ['002.000', '2'],
  ])('%s -> %s', (input, output) => {
    expect(normalizeMarkup(input)).toBe(output);
  });

  it.each(['0', '0.0', '-1', '1.0000001', 'abc', ''])('refuses %j', (input) => {
    expect(() => normalizeMarkup(input)).toThrow(RangeError);
  });
});
