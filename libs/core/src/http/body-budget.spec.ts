import { describe, expect, it } from '@jest/globals';
import { heapLimitWarning, heapNeededForBodies } from './body-budget.js';

const MiB = 1024 * 1024;

describe('the heap a body bound needs (decision 0031)', () => {
  it('is 7x the bound plus 150 MB: 850 MB for the default 100 MiB, under the shipped 1024 MB cap', () => {
    expect(heapNeededForBodies(100 * MiB)).toBe(850 * MiB);
    expect(heapLimitWarning(100 * MiB, 1024 * MiB)).toBeNull();
  });

  it('warns when the limit is below it, naming both knobs and the value to set', () => {
    const warning = heapLimitWarning(200 * MiB, 1024 * MiB);
    expect(warning).toContain("Node's heap limit (1024 MB)");
    expect(warning).toContain('MAX_BODY_BYTES_IN_FLIGHT (200 MiB');
    expect(warning).toContain(
      'NODE_OPTIONS="--max-old-space-size=1550 --max-semi-space-size=8 --use-largepages=silent"',
    );
  });

  it('says nothing without a bound, or at exactly what the rule needs', () => {
    expect(heapLimitWarning(0, 64 * MiB)).toBeNull();
    expect(heapLimitWarning(100 * MiB, 850 * MiB)).toBeNull();
    expect(heapLimitWarning(100 * MiB, 850 * MiB - 1)).not.toBeNull();
  });
});
