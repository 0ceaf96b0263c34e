import { setsPretenuring } from './v8-flags.js';

describe('setsPretenuring (decision 0040)', () => {
  it('sees the operator set pretenuring either way, in either spelling', () => {
    expect(setsPretenuring(['--allocation-site-pretenuring'])).toBe(true);
    expect(setsPretenuring(['--max-old-space-size=1024', '--no-allocation-site-pretenuring'])).toBe(true);
    expect(setsPretenuring(['--allocation_site_pretenuring'])).toBe(true);
    expect(setsPretenuring(['--no-allocation_site_pretenuring'])).toBe(true);
  });

  it('leaves the default to the gateway otherwise', () => {
    expect(setsPretenuring([])).toBe(false);
    expect(setsPretenuring(['--max-old-space-size=1024', '--trace-pretenuring-statistics'])).toBe(false);
  });
});
