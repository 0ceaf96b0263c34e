import { describe, expect, it } from '@jest/globals';
import { formatCredits, parseCredits } from './money.js';

describe('money', () => {
  it.each([
    [0n, '0'],
    [1n, '0.000001'],
    [1_500n, '0.0015'],
    [1_000_000n, '1'],
    [12_345_678n, '12.345678'],
    [-2_500_000n, '-2.5'],
    [9_007_199_254_740_993n, '9007199254.740993'],
  ])('formats %p micro-credits as %p', (micros, text) => {
    expect(formatCredits(micros)).toBe(text);
    expect(parseCredits(text)).toBe(micros);
  });

  it.each(['', 'abc', '1.0000001', '1e6', '0x10', '1,5'])('rejects %p', (text) => {
    expect(() => parseCredits(text)).toThrow(RangeError);
  });
});
