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

  it('counts one long unbroken word in linear time, within a token per thousand characters', async () => {
    const word = 'x'.repeat(20_000);
    const { countTokens } = await import('gpt-tokenizer');
    const whole = countTokens(word);
    expect(Math.abs((await countTextTokens(word)) - whole)).toBeLessThanOrEqual(20);
    const started = Date.now();
    // Whole, this takes the tokenizer about 20 s (a megabyte: minutes); in pieces, milliseconds.
    await countTextTokens('y'.repeat(200_000));
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('counts ordinary text longer than a piece exactly', async () => {
    const { countTokens } = await import('gpt-tokenizer');
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(400);
    await expect(countTextTokens(text)).resolves.toBe(countTokens(text));
  });

  it('counts special-token text as ordinary text', async () => {
    await expect(countTextTokens('what is <|endoftext|>?')).resolves.toBeGreaterThan(3);
    await expect(countTextTokens('')).resolves.toBe(0);
  });
});

describe('PromptTokens: what the provider adds to the prompt besides the messages', () => {
  const messages = [{ role: 'user' as const, content: 'hi', name: 'alice' }];
  const tools = [
    {
      type: 'function',
      function: {
        name: 'lookup_order',
        description: 'Finds an order by its number and returns its status. '.repeat(40),
        parameters: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
      },
    },
  ];
  const responseFormat = {
    type: 'json_schema',
    json_schema: { name: 'answer', schema: { type: 'object', properties: { text: { type: 'string' } } } },
  };

  it('counts tool definitions, the tool choice, a response schema and message names, bound and exact', async () => {
    const plain = new PromptTokens(messages);
    expect(plain.forReservation).toBe(3 + 4 + 'alice'.length + 'hi'.length);
    const extras = { tools, tool_choice: 'auto', response_format: responseFormat };
    const rich = new PromptTokens(messages, extras);
    const json = JSON.stringify(tools) + 'auto' + JSON.stringify(responseFormat);
    expect(rich.forReservation).toBe(plain.forReservation + Buffer.byteLength(json) + 3 * 16);
    const exact = await rich.exact();
    expect(exact).toBeGreaterThan((await plain.exact()) + 400);
    expect(rich.forReservation).toBeGreaterThanOrEqual(exact);
  });

  it('bounds audio input from its base64 size and estimates inline files', () => {
    const audio = 'A'.repeat(64_000);
    const withAudio = new PromptTokens([
      {
        role: 'user',
        content: [{ type: 'input_audio', input_audio: { data: audio, format: 'wav' } }],
      },
    ]);
    // 64,000 base64 characters are 48,000 bytes: at most 48 s at 8 kbit/s, 1,536 Gemini tokens.
    expect(withAudio.forReservation).toBe(3 + 4 + 2_000);
    const withFile = new PromptTokens([
      {
        role: 'user',
        content: [
          { type: 'file', file: { filename: 'a.pdf', file_data: `data:application/pdf;base64,${audio}` } },
        ],
      },
    ]);
    expect(withFile.forReservation).toBeGreaterThan(16_000 + 1_000);
  });
});
