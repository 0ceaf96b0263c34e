import { setsPretenuring, setsV8Flag } from './v8-flags.js';

describe('setsPretenuring (decision 0040)', () => {
  it('sees the operator set pretenuring either way, in either spelling', () => {
    expect(setsPretenuring(['--allocation-site-pretenuring'])).toBe(true);
    expect(setsPretenuring(['--max-old-space-size=1024', '--no-allocation-site-pretenuring'])).toBe(true);
    expect(setsPretenuring(['--allocation_site_pretenuring'])).toBe(true);
    expect(setsPretenuring(['--no-allocation_site_pretenuring'])).toBe(true);
    expect(setsPretenuring(['--noallocation-site-pretenuring'])).toBe(true);
  });

  it('leaves the default to the gateway otherwise', () => {
    expect(setsPretenuring([])).toBe(false);
    expect(setsPretenuring(['--max-old-space-size=1024', '--trace-pretenuring-statistics'])).toBe(false);
  });
});

describe('setsV8Flag (decision 0049)', () => {
  const budget = 'max-inlined-bytecode-size-cumulative';

  it('sees a value the operator gave, in either spelling', () => {
    expect(setsV8Flag(['--max-inlined-bytecode-size-cumulative=920'], budget)).toBe(true);
    expect(setsV8Flag(['--max_inlined_bytecode_size_cumulative=4000'], budget)).toBe(true);
    expect(
      setsV8Flag(['--max-old-space-size=1024', '--max-inlined-bytecode-size-cumulative=2400'], budget),
    ).toBe(true);
  });

  it('does not take another flag whose name begins or contains the same words for it', () => {
    expect(setsV8Flag(['--max-inlined-bytecode-size=920'], budget)).toBe(false);
    expect(setsV8Flag(['--max-inlined-bytecode-size-cumulative-x=1'], budget)).toBe(false);
    expect(setsV8Flag([], budget)).toBe(false);
  });
});
