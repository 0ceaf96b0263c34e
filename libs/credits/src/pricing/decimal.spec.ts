import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { pow10 } from './decimal.js';

describe('pow10', () => {
  it('is 10^n for every n, from its table and beyond it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), (n) => {
        expect(pow10(n)).toBe(BigInt(`1${'0'.repeat(n)}`));
      }),
    );
    expect([pow10(0), pow10(1), pow10(63), pow10(64)]).toEqual([1n, 10n, 10n ** 63n, 10n ** 64n]);
  });
});
