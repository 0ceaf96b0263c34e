import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Anthropic from '@anthropic-ai/sdk';
import {
  GoogleGenerativeAI,
  GoogleGenerativeAIError,
  GoogleGenerativeAIResponseError,
} from '@google/generative-ai';
import OpenAI from 'openai';
import { startSimulator } from './index.js';
import type { Simulator } from './index.js';

type OpenAIError = InstanceType<typeof OpenAI.APIError>;
const user = [{ role: 'user' as const, content: 'one two three four five' }];

describe('simulator: fault injection', () => {
  let sim: Simulator;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let gemini: GoogleGenerativeAI;

  const withFault = (fault: string): { headers: Record<string, string> } => ({
    headers: { 'x-sim-fault': fault },
  });
  const chat = (model = 'sim-gpt', fault?: string): Promise<OpenAI.ChatCompletion> =>
    openai.chat.completions.create({ model, messages: user }, fault ? withFault(fault) : undefined);
  const openaiError = async (model: string, fault?: string): Promise<OpenAIError> => {
    const error = await chat(model, fault).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    return error as OpenAIError;
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
    });

  beforeAll(async () => {
    sim = await startSimulator();
    openai = new OpenAI({ apiKey: 'sk-fault', baseURL: `${sim.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: 'ant-fault', baseURL: sim.url, maxRetries: 0 });
    gemini = new GoogleGenerativeAI('gem-fault');
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('status', () => {
    it('answers the header status in OpenAI shape, with Retry-After', async () => {
      const error = await openaiError('sim-gpt', 'status=429; retry_after=2');
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error.status).toBe(429);
      expect(error.code).toBe('rate_limit_exceeded');
      expect(error.headers?.get('retry-after')).toBe('2');
    });

    it('maps statuses to realistic OpenAI types and codes, by model name too', async () => {
      const cases: [string, unknown, string, string | null][] = [
        ['sim-gpt-fault-400', OpenAI.BadRequestError, 'invalid_request_error', null],
        ['sim-gpt-fault-401', OpenAI.AuthenticationError, 'invalid_request_error', 'invalid_api_key'],
        ['sim-gpt-fault-403', OpenAI.PermissionDeniedError, 'permission_error', 'permission_denied'],
        ['sim-gpt-fault-404', OpenAI.NotFoundError, 'invalid_request_error', 'model_not_found'],
        ['fault-500', OpenAI.InternalServerError, 'server_error', 'server_error'],
        ['sim-gpt-fault-503', OpenAI.InternalServerError, 'server_error', 'overloaded'],
      ];
      for (const [model, type, errorType, code] of cases) {
        const error = await openaiError(model);
        expect(error).toBeInstanceOf(type);
        expect(error.type).toBe(errorType);
        expect(error.code).toBe(code);
      }
    });

    it('uses the Anthropic error shape', async () => {
      const limited = await anthropic.messages
        .create({ model: 'sim-claude-fault-429', max_tokens: 10, messages: user })
        .catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
      expect((limited as InstanceType<typeof Anthropic.APIError>).error).toEqual({
        type: 'error',
        error: { type: 'rate_limit_error', message: expect.any(String) },
      });
      const overloaded = await anthropic.messages
        .create({ model: 'sim-claude', max_tokens: 10, messages: user }, withFault('status=529'))
        .catch((e: unknown) => e);
      expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
      expect((overloaded as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        error: { type: 'overloaded_error' },
      });
    });

    it('uses the Gemini error shape', async () => {
      const cases: [number, string][] = [
        [400, 'INVALID_ARGUMENT'],
        [403, 'PERMISSION_DENIED'],
        [429, 'RESOURCE_EXHAUSTED'],
        [500, 'INTERNAL'],
        [503, 'UNAVAILABLE'],
      ];
      for (const [status, name] of cases) {
        const res = await post(
          '/v1beta/models/sim-gemini:generateContent',
          { contents: [{ parts: [{ text: 'x' }] }] },
          {
            'x-goog-api-key': 'g',
            'x-sim-fault': `status=${status}`,
          },
        );
        expect(res.status).toBe(status);
        expect(await res.json()).toEqual({
          error: { code: status, message: expect.any(String), status: name },
        });
      }
    });

    it('reports context length overflow as each provider does', async () => {
      const error = await openaiError('sim-gpt', 'context_length');
      expect(error.status).toBe(400);
      expect(error.code).toBe('context_length_exceeded');

      const tooLong = await anthropic.messages
        .create({ model: 'sim-claude-fault-context-length', max_tokens: 10, messages: user })
        .catch((e: unknown) => e);
      expect((tooLong as InstanceType<typeof Anthropic.APIError>).status).toBe(400);
      expect((tooLong as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        error: { type: 'invalid_request_error', message: expect.stringContaining('prompt is too long') },
      });

      const res = await post(
        '/v1beta/models/sim-gemini-fault-context-length:generateContent',
        { contents: [] },
        {
          'x-goog-api-key': 'g',
        },
      );
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: { status: 'INVALID_ARGUMENT', message: expect.stringContaining('token count') },
      });
    });

    it('reports content filtering (OpenAI 400 content_filter, Gemini blocked prompt)', async () => {
      const error = await openaiError('sim-gpt-fault-content-filter');
      expect(error.status).toBe(400);
      expect(error.code).toBe('content_filter');

      const model = gemini.getGenerativeModel(
        { model: 'sim-gemini' },
        { baseUrl: sim.url, customHeaders: { 'x-sim-fault': 'content_filter' } },
      );
      const result = await model.generateContent('x');
      expect(result.response.promptFeedback?.blockReason).toBe('SAFETY');
      expect(() => result.response.text()).toThrow(GoogleGenerativeAIResponseError);
    });
  });

  describe('timing', () => {
    it('adds latency before the response, by header or model name', async () => {
      let started = Date.now();
      await chat('sim-gpt', 'latency=150');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      started = Date.now();
      await chat('sim-gpt-latency-120');
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    });

    it('spaces stream chunks by chunk_delay', async () => {
      const stream = await openai.chat.completions.create(
        { model: 'sim-gpt', messages: [{ role: 'user', content: 'a' }], stream: true },
        withFault('chunk_delay=60'),
      );
      const arrivals: number[] = [];
      for await (const _chunk of stream) arrivals.push(Date.now());
      // echo + a + finish chunk: two gaps of 60 ms
      expect(arrivals).toHaveLength(3);
      expect(arrivals[2]! - arrivals[0]!).toBeGreaterThanOrEqual(110);
    });
  });

  describe('hang', () => {
    it('never answers; the client times out and close() still completes', async () => {
      const local = await startSimulator();
      const started = Date.now();
      const hanging = fetch(`${local.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'x-sim-fault': 'hang' },
        body: JSON.stringify({ model: 'sim-gpt', messages: user }),
        signal: AbortSignal.timeout(150),
      });
      await expect(hanging).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);

      // A second one still in flight when the simulator closes.
      const orphan = fetch(`${local.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': 'k' },
        body: JSON.stringify({ model: 'sim-claude-hang', max_tokens: 5, messages: user }),
      }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 50));
      const closing = Date.now();
      await local.close();
      expect(Date.now() - closing).toBeLessThan(1000);
      // fetch errors come from Node's realm, not jest's, so compare by name.
      expect(await orphan).toMatchObject({ name: 'TypeError' });
    });

    it('makes the OpenAI SDK time out', async () => {
      const impatient = new OpenAI({ apiKey: 'k', baseURL: `${sim.url}/v1`, maxRetries: 0, timeout: 150 });
      const started = Date.now();
      const error = await impatient.chat.completions
        .create({ model: 'sim-gpt-hang', messages: user })
        .catch((e: unknown) => e);
      // A timeout error outside jest; inside jest the abort error crosses realms and the SDK reports
      // the parent class.
      expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });
  });

  describe('drop', () => {
    it('kills a stream after N chunks', async () => {
      const stream = await openai.chat.completions.create(
        { model: 'sim-gpt', messages: user, stream: true },
        withFault('drop_after=3'),
      );
      const seen: string[] = [];
      const consume = async (): Promise<void> => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
      };
      await expect(consume()).rejects.toThrow();
      expect(seen).toEqual(['echo: ', 'one ', 'two ']);
    });

    it('drops a stream after 2 chunks for a -drop model, across SDKs', async () => {
      const stream = anthropic.messages.stream({ model: 'sim-claude-drop', max_tokens: 50, messages: user });
      await expect(stream.finalMessage()).rejects.toThrow();

      const model = gemini.getGenerativeModel({ model: 'sim-gemini-drop' }, { baseUrl: sim.url });
      const result = await model.generateContentStream('one two three four');
      const consume = async (): Promise<void> => {
        for await (const _chunk of result.stream) void _chunk;
      };
      await expect(consume()).rejects.toThrow(GoogleGenerativeAIError);
      await expect(result.response).rejects.toThrow();
    });

    it('cuts a non-stream body mid-way', async () => {
      const res = await post('/v1/chat/completions', { model: 'sim-gpt-drop', messages: user });
      expect(res.status).toBe(200);
      await expect(res.json()).rejects.toThrow();
      await expect(chat('sim-gpt', 'drop_after=1')).rejects.toMatchObject({ name: 'TypeError' });
    });
  });

  describe('malformed', () => {
    it('sends invalid JSON with a 200 for non-stream requests', async () => {
      const res = await post(
        '/v1/chat/completions',
        { model: 'sim-gpt', messages: user },
        { 'x-sim-fault': 'malformed' },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      await expect(res.json()).rejects.toMatchObject({ name: 'SyntaxError' });
    });

    it('puts an invalid JSON frame mid-stream', async () => {
      // The SDK logs the frame it could not parse before throwing; keep the test output clean.
      const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      const stream = await openai.chat.completions.create({
        model: 'sim-gpt-malformed',
        messages: user,
        stream: true,
      });
      const consume = async (): Promise<void> => {
        for await (const _chunk of stream) void _chunk;
      };
      await expect(consume()).rejects.toThrow();
      quiet.mockRestore();

      const raw = await post(
        '/v1/chat/completions',
        { model: 'sim-gpt', messages: user, stream: true },
        { 'x-sim-fault': 'malformed' },
      );
      const frames = (await raw.text()).split('\n\n').filter((f) => f.startsWith('data: '));
      const invalid = frames.filter((f) => {
        const data = f.slice('data: '.length);
        if (data === '[DONE]') return false;
        try {
          JSON.parse(data);
          return false;
        } catch {
          return true;
        }
      });
      expect(invalid).toHaveLength(1);
      expect(frames.at(-1)).toBe('data: [DONE]');

      const gem = gemini.getGenerativeModel({ model: 'sim-gemini-malformed' }, { baseUrl: sim.url });
      const result = await gem.generateContentStream('one two three');
      await expect(result.response).rejects.toThrow(/Error parsing JSON response/);
    });
  });

  it('lets header values override model presets', async () => {
    const res = await post(
      '/v1/chat/completions',
      { model: 'sim-gpt-fault-500', messages: user },
      { 'x-sim-fault': 'status=418' },
    );
    expect(res.status).toBe(418);
  });
});
