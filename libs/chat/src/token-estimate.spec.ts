import { describe, expect, it } from '@jest/globals';
import { EXACT_COUNT_CHARS, PromptTokens, countPromptTokens } from './token-estimate.js';

describe('PromptTokens', () => {
  it('counts a short prompt exactly for the reservation', () => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'Héllo wörld, 3 + 4?' }] },
    ];
    const tokens = new PromptTokens(messages);
    expect(tokens.bounded).toBe(false);
    expect(tokens.forReservation).toBe(countPromptTokens(messages));
    expect(tokens.exact()).toBe(tokens.forReservation);
  });

  it('bounds a long prompt by its UTF-8 size, never below the exact count, and counts it on demand', () => {
    for (const unit of [' lorem', ' 漢字', ' ☃️🚀', 'a1$', '\n\t  ']) {
      const text = unit.repeat(Math.ceil((EXACT_COUNT_CHARS + 10) / unit.length));
      const messages = [{ role: 'user' as const, content: text }];
      const tokens = new PromptTokens(messages);
      expect(tokens.bounded).toBe(true);
      const exact = countPromptTokens(messages);
      expect(tokens.forReservation).toBeGreaterThanOrEqual(exact);
      expect(tokens.forReservation).toBe(3 + 4 + Buffer.byteLength(text));
      expect(tokens.exact()).toBe(exact);
    }
  });
});
