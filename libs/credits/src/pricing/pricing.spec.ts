import { describe, expect, it } from '@jest/globals';
import { estimateWorstCase, normalizeMarkup, priceUsage, type Pricing, type Usage } from './pricing.js';

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

describe('estimateWorstCase', () => {
  it('prices the whole prompt plus the maximum output', () => {
    expect(estimateWorstCase(mini, { promptTokens: 1000, maxOutputTokens: 500 })).toBe(450n);
    expect(estimateWorstCase(mini, { promptTokens: 1000, maxOutputTokens: 500 }, '2')).toBe(900n);
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
