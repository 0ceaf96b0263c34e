import { describe, expect, it } from '@jest/globals';
import { isMasked, maskKey } from './mask-key.js';

describe('maskKey', () => {
  it('keeps only the last four characters', () => {
    expect(maskKey('sk-proj-abcdefghijklmnop1234')).toBe('…1234');
    expect(maskKey('  sk-live-0000000099ab\n')).toBe('…99ab');
  });

  it('shows nothing of a short key', () => {
    expect(maskKey('abc')).toBe('…');
    expect(maskKey('1234567')).toBe('…');
  });

  it('recognises its own output', () => {
    expect(isMasked(maskKey('sk-0123456789'))).toBe(true);
    expect(isMasked('sk-0123456789')).toBe(false);
  });
});
