import { describe, expect, it } from 'vitest';
import { compact } from './axis';

describe('compact (chart axis numbers)', () => {
  it('keeps the ticks of a tiny range apart', () => {
    // The ticks a chart draws for a spend of 0.000013 credits.
    const ticks = [0, 0.00000325, 0.0000065, 0.00000975, 0.000013].map(compact);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks).toEqual(['0', '3.25e-6', '6.5e-6', '9.75e-6', '1.3e-5']);
    expect(compact(0.00004)).toBe('4e-5');
    expect(compact(0.0000105)).toBe('1.05e-5');
  });

  it('writes large and ordinary numbers compactly', () => {
    expect(compact(12500)).toBe('12.5K');
    expect(compact(3)).toBe('3');
    expect(compact(0.25)).toBe('0.25');
  });
});
