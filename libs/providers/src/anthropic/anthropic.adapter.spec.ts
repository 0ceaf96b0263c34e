import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type Simulator } from '../../../../apps/simulator/src/index.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { ProviderCredentials } from '../provider.port.js';
import {
  failure,
  runAdapterContract,
  testOutboundPolicy,
  type RecordedImage,
} from '../testing/adapter-contract.js';
import { AnthropicAdapter } from './anthropic.adapter.js';

const catalog = CatalogService.fromDirectory();

function recordedImage(body: unknown): RecordedImage | null {
  const messages = (body as { messages?: Array<{ content?: unknown }> }).messages ?? [];
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content as Array<{
      type?: string;
      source?: { media_type?: string; data?: string };
    }>) {
      if (block.type === 'image' && block.source?.data) {
        return { mimeType: block.source.media_type ?? '', data: block.source.data };
      }
    }
  }
  return null;
}

runAdapterContract({
  name: 'anthropic',
  format: 'anthropic',
  createAdapter: (outbound) => new AnthropicAdapter(catalog, outbound),
  startSimulator: () => startSimulator(),
  baseUrl: (url) => url,
  model: 'sim-claude',
  recordedImage,
});

describe('AnthropicAdapter translation', () => {
  let sim: Simulator;
  let creds: ProviderCredentials;
  const sut = new AnthropicAdapter(catalog, testOutboundPolicy());
  const opts = { timeoutMs: 5000 };

  beforeAll(async () => {
    sim = await startSimulator();
    creds = { apiKey: 'sk-ant-0123456789abcdef', baseUrl: sim.url };
  });
  afterAll(async () => {
    await sim.close();
  });

  it('extracts system messages and fills max_tokens from the catalog', async () => {
    await sut.chat(
      {
        model: 'sim-claude',
        messages: [
          { role: 'system', content: 'Be kind.' },
          { role: 'developer', content: 'Be short.' },
          { role: 'user', content: 'hi' },
        ],
        user: 'user-7',
      },
      creds,
      opts,
    );
    const recorded = sim.requests.at(-1)!;
    expect(recorded.path).toBe('/v1/messages');
    expect(recorded.apiKey).toBe(creds.apiKey);
    expect(recorded.body).toEqual({
      model: 'sim-claude',
      max_tokens: catalog.model('simulator-anthropic', 'sim-claude')?.maxOutputTokens,
      system: 'Be kind.\n\nBe short.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      metadata: { user_id: 'user-7' },
      stream: false,
    });
  });

  it('keeps the caller max_tokens and maps tool_choice and parallel_tool_calls', async () => {
    await sut.chat(
      {
        model: 'sim-claude',
        messages: [{ role: 'user', content: 'x' }],
        max_completion_tokens: 77,
        tools: [
          { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } },
        ],
        tool_choice: 'required',
        parallel_tool_calls: false,
      },
      creds,
      opts,
    );
    expect(sim.requests.at(-1)?.body).toMatchObject({
      max_tokens: 77,
      tools: [{ name: 'f', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
  });

  it('sends https images as url sources and tool results as tool_result blocks in one user turn', async () => {
    const result = await sut.chat(
      {
        model: 'sim-claude',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'see' },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
            ],
          },
          {
            role: 'assistant',
            content: '',
            tool_calls: [
              { id: 'toolu_1', type: 'function', function: { name: 'a', arguments: '{"x":1}' } },
              { id: 'toolu_2', type: 'function', function: { name: 'b', arguments: '{}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'toolu_1', content: 'one' },
          { role: 'tool', tool_call_id: 'toolu_2', content: 'two' },
        ],
      },
      creds,
      opts,
    );
    expect(result.choices[0]?.message.content).toBe('tool result: one two');
    const body = sim.requests.at(-1)?.body as { messages: unknown[] };
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'see' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'a', input: { x: 1 } },
          { type: 'tool_use', id: 'toolu_2', name: 'b', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'one' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'two' },
        ],
      },
    ]);
  });

  it('fills a JSON schema through the forced JSON tool', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const result = await sut.chat(
      {
        model: 'sim-claude',
        messages: [{ role: 'user', content: 'x' }],
        response_format: { type: 'json_schema', json_schema: { name: 'r', schema } },
      },
      creds,
      opts,
    );
    expect(JSON.parse(result.choices[0]?.message.content ?? '')).toEqual({ answer: 'sim' });
    expect(result.choices[0]?.message.tool_calls).toBeUndefined();
    expect(result.choices[0]?.finish_reason).toBe('stop');
  });

  it('refuses n > 1', async () => {
    const error = await failure(() =>
      sut.chat({ model: 'sim-claude', messages: [{ role: 'user', content: 'x' }], n: 2 }, creds, opts),
    );
    expect(error).toMatchObject({ kind: 'bad_request', param: 'n' });
  });
});
