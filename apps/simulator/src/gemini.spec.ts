import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  FunctionCallingMode,
  GoogleGenerativeAI,
  GoogleGenerativeAIFetchError,
  SchemaType,
  type RequestOptions,
} from '@google/generative-ai';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { startSimulator } from './index.js';
import type { Simulator } from './index.js';

const tokens = (text: string): number => encode(text).length;
const promptTokens = (...messages: string[]): number => messages.reduce((sum, m) => sum + tokens(m) + 3, 3);

describe('simulator: Gemini', () => {
  let sim: Simulator;
  let genAI: GoogleGenerativeAI;
  let options: RequestOptions;

  beforeAll(async () => {
    sim = await startSimulator();
    genAI = new GoogleGenerativeAI('gemini-key');
    options = { baseUrl: sim.url };
  });
  afterAll(async () => {
    await sim.close();
  });

  it('generates content with usage metadata', async () => {
    const model = genAI.getGenerativeModel({ model: 'sim-gemini', systemInstruction: 'Be brief.' }, options);
    const result = await model.generateContent({
      contents: [
        { role: 'user', parts: [{ text: 'earlier' }] },
        { role: 'model', parts: [{ text: 'ok' }] },
        {
          role: 'user',
          parts: [{ text: 'look at' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }],
        },
      ],
    });
    const response = result.response;
    expect(response.text()).toBe('echo: look at [image]');
    expect(response.candidates![0]!.finishReason).toBe('STOP');
    expect(response.candidates![0]!.content.role).toBe('model');
    const prompt = promptTokens('Be brief.', 'earlier', 'ok', 'look at [image]');
    expect(response.usageMetadata).toEqual({
      promptTokenCount: prompt,
      candidatesTokenCount: tokens('echo: look at [image]'),
      totalTokenCount: prompt + tokens('echo: look at [image]'),
    });
    const recorded = sim.requests.at(-1)!;
    expect(recorded).toMatchObject({
      format: 'gemini',
      apiKey: 'gemini-key',
      model: 'sim-gemini',
      path: '/v1beta/models/sim-gemini:generateContent',
    });
  });

  it('applies maxOutputTokens, stopSequences and JSON mode', async () => {
    const limited = genAI.getGenerativeModel(
      { model: 'sim-gemini', generationConfig: { maxOutputTokens: 1 } },
      options,
    );
    const cut = (await limited.generateContent('many words here')).response;
    expect(cut.candidates![0]!.finishReason).toBe('MAX_TOKENS');
    expect(cut.text()).toBe('echo');

    const stopping = genAI.getGenerativeModel(
      { model: 'sim-gemini', generationConfig: { stopSequences: ['here'] } },
      options,
    );
    expect((await stopping.generateContent('many words here')).response.text()).toBe('echo: many words ');

    const json = genAI.getGenerativeModel(
      { model: 'sim-gemini', generationConfig: { responseMimeType: 'application/json' } },
      options,
    );
    expect(JSON.parse((await json.generateContent('hi')).response.text())).toEqual({ echo: 'hi' });
  });

  it('streams one chunk per word over SSE and aggregates the final response', async () => {
    const model = genAI.getGenerativeModel({ model: 'sim-gemini' }, options);
    const result = await model.generateContentStream('stream me please');
    const pieces: string[] = [];
    for await (const chunk of result.stream) pieces.push(chunk.text());
    expect(pieces).toEqual(['echo: ', 'stream ', 'me ', 'please']);
    const final = await result.response;
    expect(final.text()).toBe('echo: stream me please');
    expect(final.usageMetadata!.candidatesTokenCount).toBe(tokens('echo: stream me please'));
    expect(sim.requests.at(-1)!.path).toBe('/v1beta/models/sim-gemini:streamGenerateContent');
  });

  it('calls functions and acknowledges function responses', async () => {
    const model = genAI.getGenerativeModel(
      {
        model: 'sim-gemini',
        tools: [
          {
            functionDeclarations: [
              {
                name: 'find_flights',
                parameters: {
                  type: SchemaType.OBJECT,
                  properties: { from: { type: SchemaType.STRING }, seats: { type: SchemaType.INTEGER } },
                  required: ['from', 'seats'],
                },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingMode.AUTO } },
      },
      options,
    );
    const chat = model.startChat();
    const first = await chat.sendMessage('book me a flight');
    const calls = first.response.functionCalls();
    expect(calls).toEqual([{ name: 'find_flights', args: { from: 'sim', seats: 1 } }]);
    expect(first.response.candidates![0]!.finishReason).toBe('STOP');

    const second = await chat.sendMessage([
      { functionResponse: { name: 'find_flights', response: { flights: 2 } } },
    ]);
    expect(second.response.text()).toBe('tool result: {"flights":2}');
  });

  it('embeds single and batched contents, and counts tokens', async () => {
    const model = genAI.getGenerativeModel({ model: 'sim-embed' }, options);
    const single = await model.embedContent('hello');
    expect(single.embedding.values).toHaveLength(768);
    const batch = await model.batchEmbedContents({
      requests: [
        { content: { role: 'user', parts: [{ text: 'hello' }] } },
        { content: { role: 'user', parts: [{ text: 'other' }] }, outputDimensionality: 16 } as never,
      ],
    });
    expect(batch.embeddings[0]!.values).toEqual(single.embedding.values);
    expect(batch.embeddings[1]!.values).toHaveLength(16);

    const count = await model.countTokens('count these words');
    expect(count.totalTokens).toBe(promptTokens('count these words'));
  });

  it('reads the key from ?key= too, and answers a missing key with 401 UNAUTHENTICATED', async () => {
    const url = `${sim.url}/v1beta/models/sim-gemini:generateContent`;
    const body = JSON.stringify({ contents: [{ parts: [{ text: 'q' }] }] });
    const ok = await fetch(`${url}?key=query-key`, { method: 'POST', body });
    expect(ok.status).toBe(200);
    expect(sim.requests.at(-1)!.apiKey).toBe('query-key');
    const missing = await fetch(url, { method: 'POST', body });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
  });

  it('surfaces errors through the SDK', async () => {
    const model = genAI.getGenerativeModel({ model: 'sim-gemini-fault-429' }, options);
    const error = await model.generateContent('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoogleGenerativeAIFetchError);
    expect((error as GoogleGenerativeAIFetchError).status).toBe(429);
  });
});
