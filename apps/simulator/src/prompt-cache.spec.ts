import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import Anthropic from '@anthropic-ai/sdk';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { startSimulator, type Simulator } from './index.js';
import { PromptCacheStore } from './prompt-cache.store.js';

/** What one prompt piece (system or message) counts: its tokens plus the per-message overhead. */
const piece = (text: string): number => encode(text).length + 3;

describe('simulator: Anthropic prompt caching', () => {
  let sim: Simulator;
  let client: Anthropic;
  const system = 'You are a patient librarian who knows every book in the catalogue by heart.';
  const context = 'Here is the whole catalogue: Moby Dick, Middlemarch, Ulysses, Beloved.';

  beforeAll(async () => {
    sim = await startSimulator();
    client = new Anthropic({ apiKey: 'ant-key', baseURL: sim.url, maxRetries: 0 });
  });
  beforeEach(() => sim.reset());
  afterAll(async () => {
    await sim.close();
  });

  const ask = (question: string, systemTtl?: '5m' | '1h', contextTtl?: '5m' | '1h') =>
    client.messages.create({
      model: 'sim-claude',
      max_tokens: 50,
      system: [
        {
          type: 'text',
          text: system,
          ...(systemTtl ? { cache_control: { type: 'ephemeral' as const, ttl: systemTtl } } : {}),
        },
      ],
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: context,
              ...(contextTtl ? { cache_control: { type: 'ephemeral' as const, ttl: contextTtl } } : {}),
            },
            { type: 'text', text: question },
          ],
        },
      ],
    });

  it('reports no cache use without cache_control', async () => {
    const { usage } = await ask('Who wrote Ulysses?');
    expect(usage).toMatchObject({
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    });
  });

  it('writes a prefix on first sight and reads it on the next call', async () => {
    const first = await ask('Who wrote Ulysses?', '5m');
    const prefix = piece(system);
    expect(first.usage).toMatchObject({
      cache_creation_input_tokens: prefix,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: prefix, ephemeral_1h_input_tokens: 0 },
    });
    const second = await ask('Who wrote Beloved?', '5m');
    expect(second.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: prefix });
    // input_tokens is only what the cache neither served nor stored.
    const whole = 3 + prefix + piece(`${context} Who wrote Beloved?`);
    expect(second.usage.input_tokens).toBe(whole - prefix);
  });

  it('writes each segment at its own TTL, reading the longest cached prefix', async () => {
    const first = await ask('Who wrote Middlemarch?', '1h', '5m');
    const systemPiece = piece(system);
    const messagePiece = piece(`${context} Who wrote Middlemarch?`);
    expect(first.usage.cache_creation).toEqual({
      ephemeral_1h_input_tokens: systemPiece,
      ephemeral_5m_input_tokens: messagePiece,
    });
    // Another question changes the message piece: the system prefix is read, the message written.
    const second = await ask('Who wrote Moby Dick?', '1h', '5m');
    expect(second.usage.cache_read_input_tokens).toBe(systemPiece);
    expect(second.usage.cache_creation).toEqual({
      ephemeral_1h_input_tokens: 0,
      ephemeral_5m_input_tokens: piece(`${context} Who wrote Moby Dick?`),
    });
  });

  it('reports cache use in the stream message_start', async () => {
    const stream = client.messages.stream({
      model: 'sim-claude',
      max_tokens: 50,
      system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [{ role: 'user', content: 'hello' }],
    });
    const final = await stream.finalMessage();
    expect(final.usage.cache_creation_input_tokens).toBe(piece(system));
  });

  it('forgets a prefix once its TTL has passed', () => {
    let now = 0;
    const store = new PromptCacheStore(100, () => now);
    const points = [{ index: 0, ttl: '5m' as const }];
    expect(store.use('m', ['abc', 'q'], points).written5m).toBe(piece('abc'));
    now = 4 * 60_000;
    expect(store.use('m', ['abc', 'q'], points).read).toBe(piece('abc'));
    // A hit renews the entry: five minutes from the read, not from the write.
    now = 8 * 60_000;
    expect(store.use('m', ['abc', 'q'], points).read).toBe(piece('abc'));
    now = 14 * 60_000;
    expect(store.use('m', ['abc', 'q'], points)).toEqual({ read: 0, written5m: piece('abc'), written1h: 0 });
  });
});
