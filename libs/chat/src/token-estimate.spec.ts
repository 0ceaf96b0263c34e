import { describe, expect, it } from '@jest/globals';
import { PromptTokens, countPromptTokens, countTextTokens } from './token-estimate.js';

describe('PromptTokens', () => {
  it('bounds a prompt by its UTF-8 size, never below the exact count, and counts it on demand', async () => {
    for (const unit of [' lorem', ' 漢字', ' ☃️🚀', 'a1$', '\n\t  ', 'Héllo wörld, 3 + 4?']) {
      for (const times of [1, 3_000]) {
        const text = unit.repeat(times);
        const messages = [
          { role: 'system' as const, content: 'You are terse.' },
          { role: 'user' as const, content: [{ type: 'text' as const, text }] },
        ];
        const tokens = new PromptTokens(messages);
        expect(tokens.bounded).toBe(true);
        const exact = await countPromptTokens(messages);
        expect(tokens.forReservation).toBeGreaterThanOrEqual(exact);
        expect(tokens.forReservation).toBe(
          3 + 8 + Buffer.byteLength('You are terse.') + Buffer.byteLength(text),
        );
        await expect(tokens.exact()).resolves.toBe(exact);
      }
    }
  });

  it('counts special-token text as ordinary text', async () => {
    await expect(countTextTokens('what is <|endoftext|>?')).resolves.toBeGreaterThan(3);
    await expect(countTextTokens('')).resolves.toBe(0);
  });
});
