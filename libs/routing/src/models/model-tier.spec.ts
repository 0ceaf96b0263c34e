import { describe, expect, it } from '@jest/globals';
import { tierOf } from './model-tier.js';

describe('tierOf', () => {
  it.each([
    [{ pricing: { inputPerMTok: '0', outputPerMTok: '0' }, free: true }, 'free'],
    [{ pricing: { inputPerMTok: '0', outputPerMTok: '0' } }, 'free'],
    [{ pricing: { inputPerMTok: '0.15', outputPerMTok: '0.6' } }, 'low'],
    [{ pricing: { inputPerMTok: '2.5', outputPerMTok: '10' } }, 'premium'],
    [{ pricing: { inputPerMTok: '0.3', outputPerMTok: '2.5' } }, 'standard'],
    [{ pricing: { inputPerMTok: '0.02', outputPerMTok: '0' } }, 'low'],
    [{ pricing: { inputPerMTok: '0', outputPerMTok: '0', perImage: '0.04' } }, 'standard'],
  ])('%j is %s', (model, tier) => {
    const sut = tierOf;
    expect(sut(model)).toBe(tier);
  });
});
