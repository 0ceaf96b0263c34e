import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { startSimulator, type Simulator } from '../../../../apps/simulator/src/index.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { ProviderError } from '../provider.port.js';
import { testOutboundPolicy } from '../testing/adapter-contract.js';
import { AnthropicAdapter } from './anthropic.adapter.js';
import { toAnthropicRequest } from './anthropic.request.js';
import { AnthropicStreamMapper, usageOf } from './anthropic.response.js';

/** OpenAI content parts carrying Anthropic's cache_control, as OpenRouter and LiteLLM accept them. */
type Body = ChatCompletionCreateParams;
const cached = (text: string, ttl?: '5m' | '1h') => ({
  type: 'text' as const,
  text,
  cache_control: ttl ? { type: 'ephemeral', ttl } : { type: 'ephemeral' },
});

describe('Anthropic prompt caching: request mapping', () => {
  it('keeps cache_control on user parts and turns a marked system message into blocks', () => {
    const body = {
      model: 'claude',
      messages: [
        { role: 'system', content: [cached('Long rules.', '1h'), { type: 'text', text: 'Short.' }] },
        { role: 'user', content: [cached('A long document.'), { type: 'text', text: 'Question?' }] },
      ],
    } as unknown as Body;
    const request = toAnthropicRequest(body, 'anthropic', 100);
    expect(request.system).toEqual([
      { type: 'text', text: 'Long rules.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: 'Short.' },
    ]);
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'A long document.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Question?' },
        ],
      },
    ]);
  });

  it('leaves requests without cache_control exactly as before', () => {
    const body: Body = {
      model: 'claude',
      messages: [
        {
          role: 'system',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      ],
    };
    const request = toAnthropicRequest(body, 'anthropic', 100);
    expect(request.system).toBe('a\nb');
    expect(request.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });

  it.each([
    ['a bad type', { type: 'persistent' }],
    ['a bad ttl', { type: 'ephemeral', ttl: '2h' }],
    ['a string', 'ephemeral'],
  ])('refuses %s naming the field', (_name, control) => {
    const body = {
      model: 'claude',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: control }] }],
    } as unknown as Body;
    let error: unknown;
    try {
      toAnthropicRequest(body, 'anthropic', 100);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'bad_request', param: 'messages[0].content[0].cache_control' });
  });
});

describe('Anthropic prompt caching: usage mapping', () => {
  it.each([
    [
      'no cache',
      { input_tokens: 100, output_tokens: 5 },
      { prompt_tokens: 100, total_tokens: 105, prompt_tokens_details: { cached_tokens: 0 } },
    ],
    [
      'reads only',
      { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 90, cache_creation_input_tokens: 0 },
      { prompt_tokens: 100, prompt_tokens_details: { cached_tokens: 90 } },
    ],
    [
      'writes without the TTL split are 5-minute writes',
      { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 90 },
      { prompt_tokens: 100, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 90 } },
    ],
    [
      'writes with the split carry their 1-hour part',
      {
        input_tokens: 10,
        output_tokens: 5,
        cache_read_input_tokens: 20,
        cache_creation_input_tokens: 70,
        cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 40 },
      },
      {
        prompt_tokens: 100,
        prompt_tokens_details: { cached_tokens: 20, cache_write_tokens: 70, cache_write_1h_tokens: 40 },
      },
    ],
  ])('%s', (_name, usage, expected) => {
    expect(usageOf(usage)).toMatchObject(expected);
  });

  it('keeps the split from message_start through message_delta in a stream', () => {
    const sut = new AnthropicStreamMapper(true);
    sut.map({
      type: 'message_start',
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: 5,
          output_tokens: 1,
          cache_read_input_tokens: 0,
          cache_creation_input_tokens: 50,
          cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 50 },
        },
      },
    } as never);
    sut.map({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 7, cache_creation_input_tokens: 50 },
    } as never);
    const [last] = sut.map({ type: 'message_stop' } as never);
    expect(last?.usage).toMatchObject({
      prompt_tokens: 55,
      completion_tokens: 7,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 50, cache_write_1h_tokens: 50 },
    });
  });
});

describe('Anthropic prompt caching: against the simulator', () => {
  let sim: Simulator;
  const sut = new AnthropicAdapter(CatalogService.fromDirectory(), testOutboundPolicy());
  const opts = { timeoutMs: 5000 };

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('reports the write of the first call and the read of the next', async () => {
    const creds = { apiKey: 'sk-ant-0123456789abcdef', baseUrl: sim.url };
    const body = (question: string) =>
      ({
        model: 'sim-claude',
        messages: [
          { role: 'system', content: [cached('You answer questions about one long report.', '1h')] },
          { role: 'user', content: question },
        ],
      }) as unknown as ChatCompletionCreateParams & { stream?: false };
    const first = await sut.chat(body('What is it about?'), creds, opts);
    const written = (first.usage?.prompt_tokens_details as { cache_write_tokens?: number })
      .cache_write_tokens;
    expect(written).toBeGreaterThan(0);
    expect(first.usage?.prompt_tokens_details).toMatchObject({
      cached_tokens: 0,
      cache_write_1h_tokens: written,
    });
    const second = await sut.chat(body('Who wrote it?'), creds, opts);
    expect(second.usage?.prompt_tokens_details).toEqual({ cached_tokens: written });
  });
});
