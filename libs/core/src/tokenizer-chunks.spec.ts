import { describe, expect, it } from '@jest/globals';
import { tokenizerChunks } from './tokenizer-chunks.js';

describe('tokenizerChunks', () => {
  it('keeps short text whole and joins back to the text', () => {
    expect(tokenizerChunks('hello world')).toEqual(['hello world']);
    const text = 'lorem ipsum dolor '.repeat(500) + 'x'.repeat(5_000) + ' 🚀'.repeat(2_000);
    const chunks = tokenizerChunks(text, 100);
    expect(chunks.join('')).toBe(text);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(100);
  });

  it('cuts before whitespace, so words stay whole', () => {
    const chunks = tokenizerChunks('aaaa bbbb cccc dddd', 10);
    expect(chunks).toEqual(['aaaa bbbb', ' cccc dddd']);
  });

  it('cuts a run with no whitespace at the limit, never inside a surrogate pair', () => {
    expect(tokenizerChunks('x'.repeat(25), 10).map((c) => c.length)).toEqual([10, 10, 5]);
    const emoji = '🚀'.repeat(10);
    const chunks = tokenizerChunks(emoji, 5);
    expect(chunks.join('')).toBe(emoji);
    for (const chunk of chunks) expect(chunk).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });
});
