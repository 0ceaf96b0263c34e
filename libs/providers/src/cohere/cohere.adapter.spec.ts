import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type Simulator } from '../../../../apps/simulator/src/index.js';
import type { ProviderCredentials } from '../provider.port.js';
import { parseDataUrl } from '../shared/data-url.js';
import {
  failure,
  runAdapterContract,
  testOutboundPolicy,
  type RecordedImage,
} from '../testing/adapter-contract.js';
import { CohereAdapter, cohereApiRoot } from './cohere.adapter.js';
import { cohereHttpError } from './cohere.errors.js';
import { toRerankResponse } from './cohere.rerank.js';
import { CohereStreamMapper } from './cohere.response.js';

function recordedImage(body: unknown): RecordedImage | null {
  const messages = (body as { messages?: Array<{ content?: unknown }> }).messages ?? [];
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content as Array<{ type?: string; image_url?: { url?: string } }>) {
      const image = part.type === 'image_url' ? parseDataUrl(part.image_url?.url ?? '') : null;
      if (image) return { mimeType: image.mimeType, data: image.base64 };
    }
  }
  return null;
}

runAdapterContract({
  name: 'cohere',
  format: 'cohere',
  createAdapter: (outbound) => new CohereAdapter(outbound),
  startSimulator: () => startSimulator(),
  baseUrl: (url) => url,
  model: 'sim-command',
  recordedImage,
});

describe('CohereAdapter translation', () => {
  let sim: Simulator;
  let creds: ProviderCredentials;
  const sut = new CohereAdapter(testOutboundPolicy());
  const opts = { timeoutMs: 5000 };
  const lastBody = (): Record<string, unknown> => sim.requests.at(-1)?.body as Record<string, unknown>;

  beforeAll(async () => {
    sim = await startSimulator();
    creds = { apiKey: 'cohere-key-0123456789', baseUrl: sim.url };
  });
  afterAll(async () => {
    await sim.close();
  });

  it('pings with the key (GET /v1/models) and reports a refused key as auth', async () => {
    await sut.ping(creds, opts);
    expect(sim.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models', apiKey: creds.apiKey });
    sim.invalidateKey('cohere-bad-key-0123');
    expect((await failure(() => sut.ping({ ...creds, apiKey: 'cohere-bad-key-0123' }, opts))).kind).toBe(
      'auth',
    );
  });

  it('takes the API root with or without a version segment', () => {
    expect(cohereApiRoot('https://api.cohere.com/')).toBe('https://api.cohere.com');
    expect(cohereApiRoot('https://api.cohere.com/v2')).toBe('https://api.cohere.com');
    expect(cohereApiRoot('https://proxy.example/cohere/v1')).toBe('https://proxy.example/cohere');
  });

  it('sends /v2/chat with system, stop_sequences, p, k, max_tokens and a named tool as REQUIRED', async () => {
    await sut.chat(
      {
        model: 'sim-command',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hi' },
        ],
        tools: [
          { type: 'function', function: { name: 'a', parameters: { type: 'object', properties: {} } } },
          { type: 'function', function: { name: 'b', parameters: { type: 'object', properties: {} } } },
        ],
        tool_choice: { type: 'function', function: { name: 'b' } },
        stop: ['x'],
        top_p: 0.5,
        max_tokens: 20,
        top_k: 3,
        thinking: { type: 'disabled' },
      } as never,
      creds,
      opts,
    );
    expect(sim.requests.at(-1)?.path).toBe('/v2/chat');
    const body = lastBody();
    expect(body).toMatchObject({
      model: 'sim-command',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      tool_choice: 'REQUIRED',
      stop_sequences: ['x'],
      p: 0.5,
      k: 3,
      max_tokens: 20,
    });
    expect((body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(['b']);
    expect(body).not.toHaveProperty('thinking');
    expect(body).not.toHaveProperty('top_k');
  });

  it('returns the tool plan as reasoning_content and sends it back as tool_plan', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'w',
          parameters: { type: 'object', properties: { c: { type: 'string' } }, required: ['c'] },
        },
      },
    ];
    const first = await sut.chat(
      { model: 'sim-command', messages: [{ role: 'user', content: 'go' }], tools },
      creds,
      opts,
    );
    const message = first.choices[0]!.message as (typeof first.choices)[0]['message'] & {
      reasoning_content?: string;
    };
    expect(message.reasoning_content).toBe('I will call w.');
    await sut.chat(
      {
        model: 'sim-command',
        tools,
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: null,
            tool_calls: message.tool_calls,
            reasoning_content: message.reasoning_content,
          } as never,
          { role: 'tool', tool_call_id: message.tool_calls![0]!.id, content: 'done' },
        ],
      },
      creds,
      opts,
    );
    const sent = (lastBody().messages as Array<Record<string, unknown>>)[1];
    expect(sent).toMatchObject({ role: 'assistant', tool_plan: 'I will call w.' });
    expect(sent?.tool_calls).toEqual([
      { id: message.tool_calls![0]!.id, type: 'function', function: { name: 'w', arguments: '{"c":"sim"}' } },
    ]);
  });

  it('refuses n > 1 and the deprecated functions before calling', async () => {
    const before = sim.requests.length;
    const many = await failure(() =>
      sut.chat({ model: 'sim-command', n: 2, messages: [{ role: 'user', content: 'x' }] }, creds, opts),
    );
    expect({ kind: many.kind, param: many.param }).toEqual({ kind: 'bad_request', param: 'n' });
    const old = await failure(() =>
      sut.chat(
        {
          model: 'sim-command',
          messages: [{ role: 'user', content: 'x' }],
          functions: [{ name: 'f', parameters: {} }],
        },
        creds,
        opts,
      ),
    );
    expect(old.param).toBe('functions');
    expect(sim.requests.length).toBe(before);
  });

  it('embeds through /v2/embed with input_type, float and base64 vectors, billed tokens as usage', async () => {
    const result = await sut.embeddings(
      { model: 'sim-cohere-embed', input: ['one', 'two words'], dimensions: 8 },
      creds,
      opts,
    );
    expect(lastBody()).toMatchObject({
      model: 'sim-cohere-embed',
      texts: ['one', 'two words'],
      input_type: 'search_document',
      embedding_types: ['float'],
      output_dimension: 8,
    });
    expect(result.data).toHaveLength(2);
    expect(result.data[1]?.embedding).toHaveLength(8);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
    const query = await sut.embeddings(
      {
        model: 'sim-cohere-embed',
        input: 'one',
        dimensions: 8,
        encoding_format: 'base64',
        input_type: 'search_query',
      } as never,
      creds,
      opts,
    );
    expect(lastBody()).toMatchObject({ input_type: 'search_query' });
    expect(Buffer.from(query.data[0]!.embedding as unknown as string, 'base64')).toHaveLength(32);
    expect(query.data[0]!.embedding).not.toEqual(result.data[0]!.embedding);
  });

  it('splits more than 96 texts into several /v2/embed calls, in order', async () => {
    const before = sim.requests.length;
    const input = Array.from({ length: 100 }, (_, i) => `text ${i}`);
    const result = await sut.embeddings({ model: 'sim-cohere-embed', input, dimensions: 4 }, creds, opts);
    expect(sim.requests.length - before).toBe(2);
    expect(result.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    const single = await sut.embeddings(
      { model: 'sim-cohere-embed', input: 'text 99', dimensions: 4 },
      creds,
      opts,
    );
    expect(result.data[99]?.embedding).toEqual(single.data[0]?.embedding);
  });

  it('classifies embed failures and refuses token-id input', async () => {
    const refused = await failure(() =>
      sut.embeddings({ model: 'sim-cohere-embed', input: [[1, 2]] }, creds, opts),
    );
    expect(refused).toMatchObject({ kind: 'bad_request', param: 'input' });
    const limited = await failure(() =>
      sut.embeddings({ model: 'sim-cohere-embed', input: 'x' }, creds, {
        ...opts,
        headers: { 'x-sim-fault': 'status=429; retry_after=1' },
      }),
    );
    expect({ kind: limited.kind, retryAfterMs: limited.retryAfterMs }).toEqual({
      kind: 'rate_limit',
      retryAfterMs: 1000,
    });
  });

  it('reranks through /v2/rerank: results most relevant first, top_n, billed search units', async () => {
    const documents = ['Berlin is in Germany', 'Paris is the capital of France', 'the capital'];
    const result = await sut.rerank(
      { model: 'rerank-v3.5', query: 'capital of France', documents, top_n: 2 },
      creds,
      opts,
    );
    expect(lastBody()).toEqual({ model: 'rerank-v3.5', query: 'capital of France', documents, top_n: 2 });
    expect(result.results).toEqual([
      { index: 1, relevance_score: 1 },
      { index: 2, relevance_score: 0.333333 },
    ]);
    expect(result.searchUnits).toBe(1);
    expect(result.id).toEqual(expect.any(String));
  });

  it('classifies rerank failures and refuses an answer that names no document', async () => {
    const limited = await failure(() =>
      sut.rerank({ model: 'rerank-v3.5', query: 'q', documents: ['a'] }, creds, {
        ...opts,
        headers: { 'x-sim-fault': 'status=429; retry_after=1' },
      }),
    );
    expect({ kind: limited.kind, retryAfterMs: limited.retryAfterMs }).toEqual({
      kind: 'rate_limit',
      retryAfterMs: 1000,
    });
    const refused = await failure(() =>
      sut.rerank({ model: 'rerank-v3.5', query: '', documents: ['a'] }, creds, opts),
    );
    expect(refused.kind).toBe('bad_request');
    expect(() =>
      toRerankResponse(
        { results: [{ index: 5, relevance_score: 1 }] },
        { model: 'm', query: 'q', documents: ['a'] },
      ),
    ).toThrow(SyntaxError);
    expect(
      toRerankResponse(
        { results: [{ index: 0, relevance_score: 0.5 }] },
        { model: 'm', query: 'q', documents: Array(150).fill('d') },
      ).searchUnits,
    ).toBe(2);
  });

  it('classifies Cohere-only statuses and a stream that ends with ERROR', () => {
    expect(cohereHttpError(498, { message: 'invalid api token' }, undefined, 'cohere', []).kind).toBe('auth');
    expect(cohereHttpError(402, { message: 'payment required' }, undefined, 'cohere', []).kind).toBe('quota');
    expect(cohereHttpError(422, { message: 'bad' }, undefined, 'cohere', []).kind).toBe('bad_request');
    const mapper = new CohereStreamMapper('m', 'cohere', true);
    expect(() => mapper.map({ type: 'message-end', delta: { finish_reason: 'ERROR' } })).toThrow(/ERROR/);
  });
});
