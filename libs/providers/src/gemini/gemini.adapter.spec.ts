import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { startSimulator, type Simulator } from '../../../../apps/simulator/src/index.js';
import type { ProviderCredentials } from '../provider.port.js';
import {
  failure,
  runAdapterContract,
  testOutboundPolicy,
  type RecordedImage,
} from '../testing/adapter-contract.js';
import { GeminiAdapter, geminiApiRoot } from './gemini.adapter.js';
import { toGeminiRequest } from './gemini.request.js';

function recordedImage(body: unknown): RecordedImage | null {
  const contents =
    (body as { contents?: Array<{ parts?: Array<{ inlineData?: RecordedImage }> }> }).contents ?? [];
  for (const content of contents) {
    for (const part of content.parts ?? []) {
      if (part.inlineData) return { mimeType: part.inlineData.mimeType, data: part.inlineData.data };
    }
  }
  return null;
}

runAdapterContract({
  name: 'gemini',
  format: 'gemini',
  createAdapter: (outbound) => new GeminiAdapter(outbound),
  startSimulator: () => startSimulator(),
  baseUrl: (url) => `${url}/v1beta`,
  model: 'sim-gemini',
  recordedImage,
});

describe('GeminiAdapter translation', () => {
  let sim: Simulator;
  let creds: ProviderCredentials;
  const sut = new GeminiAdapter(testOutboundPolicy());
  const opts = { timeoutMs: 5000 };

  beforeAll(async () => {
    sim = await startSimulator();
    creds = { apiKey: 'gemini-key-0123456789', baseUrl: `${sim.url}/v1beta` };
  });
  afterAll(async () => {
    await sim.close();
  });

  it('sends system as systemInstruction, tools as functionDeclarations and the generation config', async () => {
    await sut.chat(
      {
        model: 'sim-gemini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hi' },
        ],
        tools: [
          {
            type: 'function',
            function: {
              name: 'lookup',
              parameters: {
                type: 'object',
                properties: { q: { type: ['string', 'null'] } },
                additionalProperties: false,
              },
            },
          },
        ],
        tool_choice: { type: 'function', function: { name: 'lookup' } },
        max_tokens: 50,
        stop: 'END',
        temperature: 0.2,
        response_format: { type: 'json_object' },
      },
      creds,
      opts,
    );
    const recorded = sim.requests.at(-1)!;
    expect(recorded.path).toBe('/v1beta/models/sim-gemini:generateContent');
    expect(recorded.apiKey).toBe(creds.apiKey);
    expect(recorded.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      tools: [
        {
          functionDeclarations: [
            {
              name: 'lookup',
              parameters: { type: 'object', properties: { q: { type: 'string', nullable: true } } },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['lookup'] } },
      generationConfig: {
        stopSequences: ['END'],
        maxOutputTokens: 50,
        temperature: 0.2,
        responseMimeType: 'application/json',
      },
    });
  });

  it('turns tool calls and results into functionCall and functionResponse parts', () => {
    const request = toGeminiRequest(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: '',
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'a', arguments: '{"x":1}' } },
              { id: 'c2', type: 'function', function: { name: 'b', arguments: '{}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'c1', content: '{"ok":true}' },
          { role: 'tool', tool_call_id: 'c2', content: 'plain' },
        ],
      },
      'gemini',
    );
    expect(request.contents).toEqual([
      { role: 'user', parts: [{ text: 'go' }] },
      {
        role: 'model',
        parts: [{ functionCall: { name: 'a', args: { x: 1 } } }, { functionCall: { name: 'b', args: {} } }],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'a', response: { ok: true } } },
          { functionResponse: { name: 'b', response: { content: 'plain' } } },
        ],
      },
    ]);
  });

  it('merges a run of tool results into one turn, and a turn after it starts afresh', () => {
    const call = (id: string) => ({ id, type: 'function' as const, function: { name: id, arguments: '{}' } });
    const request = toGeminiRequest(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: '', tool_calls: [call('a'), call('b')] },
          { role: 'tool', tool_call_id: 'a', content: '1' },
          { role: 'tool', tool_call_id: 'b', content: '2' },
          { role: 'user', content: 'and now?' },
          { role: 'tool', tool_call_id: 'b', content: '4' },
          { role: 'assistant', content: '', tool_calls: [call('c')] },
          { role: 'tool', tool_call_id: 'c', content: '3' },
        ],
      },
      'gemini',
    );
    // A user turn between results ends the run: the result after it is a turn of its own.
    expect(request.contents.map((c) => [c.role, c.parts.length])).toEqual([
      ['user', 1],
      ['model', 2],
      ['user', 2],
      ['user', 1],
      ['user', 1],
      ['model', 1],
      ['user', 1],
    ]);
  });

  // Each merge used to ask every part of the turn so far whether it was a tool result: 150,000
  // results took ~36 s of the event loop. Inside a 5 s budget that can stop it (`vm`'s timeout;
  // jest's cannot stop synchronous code), linear takes well under a second.
  it('maps 150,000 tool results in linear time', () => {
    const ids = Array.from({ length: 150_000 }, (_, i) => `c${i}`);
    const body = {
      model: 'm',
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: '',
          tool_calls: ids.map((id) => ({ id, type: 'function', function: { name: 'f', arguments: '{}' } })),
        },
        ...ids.map((id) => ({ role: 'tool', tool_call_id: id, content: 'ok' })),
      ],
    };
    const request = runInNewContext(
      'toGeminiRequest(body, "gemini")',
      { toGeminiRequest, body },
      {
        timeout: 5_000,
      },
    ) as ReturnType<typeof toGeminiRequest>;
    expect(request.contents).toHaveLength(3);
    expect(request.contents[2]!.parts).toHaveLength(150_000);
  });

  it('refuses image links: Gemini needs inline images', async () => {
    const link = { type: 'image_url' as const, image_url: { url: 'https://example.com/a.png' } };
    const error = await failure(() =>
      sut.chat({ model: 'sim-gemini', messages: [{ role: 'user', content: [link] }] }, creds, opts),
    );
    expect(error).toMatchObject({ kind: 'bad_request', param: 'messages[0].content[0].image_url' });
    expect(error.message).toMatch(/inline/);
  });

  it('maps n to candidateCount and returns every candidate', async () => {
    const result = await sut.chat(
      { model: 'sim-gemini', messages: [{ role: 'user', content: 'x' }], n: 2 },
      creds,
      opts,
    );
    expect(result.choices.map((c) => [c.index, c.message.content])).toEqual([
      [0, 'echo: x'],
      [1, 'echo: x'],
    ]);
  });

  it('embeds one text with embedContent and honours dimensions', async () => {
    const result = await sut.embeddings(
      { model: 'sim-gemini-embed', input: 'hello', dimensions: 16 },
      creds,
      opts,
    );
    expect(sim.requests.at(-1)?.path).toBe('/v1beta/models/sim-gemini-embed:embedContent');
    expect(sim.requests.at(-1)?.body).toEqual({
      content: { parts: [{ text: 'hello' }] },
      outputDimensionality: 16,
    });
    expect(result).toMatchObject({
      object: 'list',
      model: 'sim-gemini-embed',
      data: [{ object: 'embedding', index: 0 }],
    });
    expect(result.data[0]?.embedding).toHaveLength(16);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('embeds many texts with batchEmbedContents, as floats or float32 base64', async () => {
    const floats = await sut.embeddings({ model: 'sim-gemini-embed', input: ['a', 'b', 'c'] }, creds, opts);
    expect(sim.requests.at(-1)?.path).toBe('/v1beta/models/sim-gemini-embed:batchEmbedContents');
    expect(floats.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(floats.data[0]?.embedding).toHaveLength(768);
    const base64 = await sut.embeddings(
      { model: 'sim-gemini-embed', input: ['a', 'b', 'c'], encoding_format: 'base64' },
      creds,
      opts,
    );
    const encoded = base64.data[1]?.embedding as unknown as string;
    const decoded = Array.from(new Float32Array(new Uint8Array(Buffer.from(encoded, 'base64')).buffer));
    expect(decoded).toEqual(floats.data[1]?.embedding);
  });

  it('refuses token-id embedding input', async () => {
    const error = await failure(() =>
      sut.embeddings({ model: 'sim-gemini-embed', input: [1, 2, 3] }, creds, opts),
    );
    expect(error).toMatchObject({ kind: 'bad_request', param: 'input' });
  });

  it('classifies embedding failures like chat ones', async () => {
    const faulty = { ...opts, headers: { 'x-sim-fault': 'status=429; retry_after=4' } };
    const error = await failure(() =>
      sut.embeddings({ model: 'sim-gemini-embed', input: 'x' }, creds, faulty),
    );
    expect(error).toMatchObject({
      kind: 'rate_limit',
      retryAfterMs: 4000,
      upstreamCode: 'RESOURCE_EXHAUSTED',
    });
  });

  it('finds the API version in the base URL, or uses v1beta', () => {
    expect(geminiApiRoot('https://generativelanguage.googleapis.com/v1/')).toBe(
      'https://generativelanguage.googleapis.com/v1',
    );
    expect(geminiApiRoot('https://generativelanguage.googleapis.com')).toBe(
      'https://generativelanguage.googleapis.com/v1beta',
    );
  });
});
