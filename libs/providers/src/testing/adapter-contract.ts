// The one behavioural contract every provider adapter meets, run by each adapter's spec against
// the provider simulator over real HTTP (no mocks): the same OpenAI-shaped requests, the same
// expectations, whatever the wire format underneath.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type AddressInfo } from 'node:net';
import { OutboundPolicy } from '@switchyard/core';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import {
  ProviderError,
  type CallOptions,
  type ProviderAdapter,
  type ProviderCredentials,
  type ProviderErrorKind,
  type WireFormat,
} from '../provider.port.js';

/** The part of the simulator's API the contract uses (apps/simulator's `Simulator` satisfies it). */
export interface ContractSimulator {
  readonly url: string;
  readonly requests: ReadonlyArray<{ path: string; body: unknown; apiKey: string | null }>;
  invalidateKey(key: string): void;
  setKeyBehavior(
    key: string,
    behavior: { status: number; retryAfterSeconds?: number; times?: number } | null,
  ): void;
  close(): Promise<void>;
}

/** An image as the upstream received it. */
export interface RecordedImage {
  mimeType: string;
  data: string;
}

/** What an adapter's spec tells the contract. */
export interface AdapterContract {
  /** Shown in test names. */
  name: string;
  format: WireFormat;
  /** The adapter under test, with every connection going through `outbound`. */
  createAdapter(outbound: OutboundPolicy): ProviderAdapter;
  startSimulator(): Promise<ContractSimulator>;
  /** The adapter's base URL on a simulator (e.g. `${url}/v1` for OpenAI). */
  baseUrl(simulatorUrl: string): string;
  /** A simulator model with every chat capability. */
  model: string;
  /** Finds the image part in a recorded upstream request body, in the wire format's own shape. */
  recordedImage(body: unknown): RecordedImage | null;
  /**
   * Chat features the wire format has no field for (GigaChat: images, stop sequences, JSON mode):
   * the contract then requires a `bad_request` naming the parameter, with nothing sent upstream,
   * instead of the feature.
   */
  unsupported?: ReadonlyArray<UnsupportedFeature>;
}

/** A chat feature an adapter may refuse (see {@link AdapterContract.unsupported}). */
export type UnsupportedFeature = 'images' | 'stop' | 'json_mode';

/** A 1x1 PNG. */
export const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const KEY = 'sk-contract-0123456789abcdef';

const WEATHER_TOOL: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city', 'days'],
    },
  },
};

/**
 * The policy adapters run under in tests: public https, plus the simulator's loopback address
 * (127.0.0.1 only, so 127.0.0.2 stands for an internal address the policy must refuse).
 */
export function testOutboundPolicy(): OutboundPolicy {
  return new OutboundPolicy(['127.0.0.1']);
}

/** Token exchanges (GigaChat's OAuth endpoint) are not upstream calls of the request itself. */
function isTokenRequest(path: string): boolean {
  return path.endsWith('/oauth');
}

/** A local URL nothing listens on (a port just released). */
async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Runs a call that must fail and returns its ProviderError (anything else fails the test). */
export async function failure(run: () => Promise<unknown>): Promise<ProviderError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw new Error(`expected a ProviderError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to fail');
}

function contentOf(chunks: readonly ChatCompletionChunk[]): string {
  return chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
}

/** Defines the contract suite for one adapter (call it at the top level of a spec). */
export function runAdapterContract(contract: AdapterContract): void {
  describe(`adapter contract: ${contract.name}`, () => {
    let sim: ContractSimulator;
    let adapter: ProviderAdapter;
    let creds: ProviderCredentials;
    const opts = (extra: Partial<CallOptions> = {}): CallOptions => ({ timeoutMs: 5000, ...extra });
    const fault = (spec: string, extra: Partial<CallOptions> = {}): CallOptions =>
      opts({ headers: { 'x-sim-fault': spec }, ...extra });
    const ask = (text: string, extra: Partial<ChatCompletionCreateParamsNonStreaming> = {}) => ({
      model: contract.model,
      messages: [{ role: 'user' as const, content: text }],
      ...extra,
    });
    const chat = (body: ChatCompletionCreateParamsNonStreaming, callOpts: CallOptions = opts()) =>
      adapter.chat(body, creds, callOpts);
    const stream = (body: ChatCompletionCreateParamsNonStreaming, callOpts: CallOptions = opts()) =>
      adapter.chatStream({ ...body, stream: true }, creds, callOpts);
    const lacks = (feature: UnsupportedFeature): boolean => contract.unsupported?.includes(feature) ?? false;
    /** An unsupported feature: a bad_request naming `param`, and nothing sent. */
    const refused = async (run: () => Promise<unknown>, param: RegExp): Promise<void> => {
      const before = sim.requests.filter((r) => !isTokenRequest(r.path)).length;
      const error = await failure(run);
      expect(error.kind).toBe('bad_request');
      expect(error.param).toMatch(param);
      expect(sim.requests.filter((r) => !isTokenRequest(r.path)).length).toBe(before);
    };

    beforeAll(async () => {
      sim = await contract.startSimulator();
      adapter = contract.createAdapter(testOutboundPolicy());
      creds = { apiKey: KEY, baseUrl: contract.baseUrl(sim.url) };
    });
    afterAll(async () => {
      await sim.close();
    });

    describe('chat', () => {
      it('answers with the exact echo, OpenAI-shaped', async () => {
        const result = await chat({
          model: contract.model,
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'hello there' },
          ],
        });
        expect(result.object).toBe('chat.completion');
        expect(result.id).toMatch(/^chatcmpl-./);
        expect(Number.isInteger(result.created)).toBe(true);
        expect(typeof result.model).toBe('string');
        expect(result.choices).toHaveLength(1);
        expect(result.choices[0]).toMatchObject({
          index: 0,
          message: { role: 'assistant', content: 'echo: hello there' },
          finish_reason: 'stop',
        });
        expect(sim.requests.at(-1)?.apiKey).toBe(KEY);
      });

      it('reports usage with positive counts', async () => {
        const { usage } = await chat(ask('count these tokens'));
        expect(usage?.prompt_tokens).toBeGreaterThan(0);
        expect(usage?.completion_tokens).toBeGreaterThan(0);
        expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
      });

      it('sends a data-URL image as an image of the wire format (or refuses it)', async () => {
        const body: ChatCompletionCreateParamsNonStreaming = {
          model: contract.model,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'what is this' },
                { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
              ],
            },
          ],
        };
        if (lacks('images')) return refused(() => chat(body), /^messages\[0\]\.content\[1\]$/);
        const result = await chat(body);
        expect(result.choices[0]?.message.content).toBe('echo: what is this [image]');
        expect(contract.recordedImage(sim.requests.at(-1)?.body)).toEqual({
          mimeType: 'image/png',
          data: PNG_BASE64,
        });
      });

      it('calls a tool with arguments, then answers the tool result', async () => {
        const question: ChatCompletionMessageParam = { role: 'user', content: 'weather in Paris?' };
        const first = await chat({ model: contract.model, messages: [question], tools: [WEATHER_TOOL] });
        const choice = first.choices[0];
        expect(choice?.finish_reason).toBe('tool_calls');
        const call = choice?.message.tool_calls?.[0];
        expect(call?.type).toBe('function');
        if (call?.type !== 'function') throw new Error('no function call');
        expect(call.id).not.toBe('');
        expect(call.function.name).toBe('get_weather');
        expect(JSON.parse(call.function.arguments)).toEqual({ city: 'sim', days: 1 });

        const second = await chat({
          model: contract.model,
          tools: [WEATHER_TOOL],
          messages: [
            question,
            { role: 'assistant', content: null, tool_calls: [call] },
            { role: 'tool', tool_call_id: call.id, content: 'sunny' },
          ],
        });
        expect(second.choices[0]?.finish_reason).toBe('stop');
        expect(second.choices[0]?.message.content).toMatch(/^tool result: .*sunny/);
      });

      it('stops at max_tokens with finish_reason length', async () => {
        const result = await chat(ask('many words here', { max_tokens: 1 }));
        expect(result.choices[0]?.message.content).toBe('echo');
        expect(result.choices[0]?.finish_reason).toBe('length');
      });

      it('cuts at a stop sequence with finish_reason stop (or refuses stop)', async () => {
        if (lacks('stop')) return refused(() => chat(ask('many words here', { stop: ['words'] })), /^stop$/);
        const result = await chat(ask('many words here', { stop: ['words'] }));
        expect(result.choices[0]?.message.content).toBe('echo: many ');
        expect(result.choices[0]?.finish_reason).toBe('stop');
      });

      it('answers JSON in JSON mode (json_object and json_schema), or refuses it', async () => {
        if (lacks('json_mode')) {
          return refused(
            () => chat(ask('hi', { response_format: { type: 'json_object' } })),
            /^response_format$/,
          );
        }
        const object = await chat(ask('hi', { response_format: { type: 'json_object' } }));
        const parsed: unknown = JSON.parse(object.choices[0]?.message.content ?? '');
        expect(typeof parsed).toBe('object');
        expect(parsed).not.toBeNull();
        const schema = {
          type: 'object',
          properties: { answer: { type: 'string' } },
          required: ['answer'],
          additionalProperties: false,
        };
        const typed = await chat(
          ask('hi', { response_format: { type: 'json_schema', json_schema: { name: 'reply', schema } } }),
        );
        expect(typeof JSON.parse(typed.choices[0]?.message.content ?? '')).toBe('object');
        expect(typed.choices[0]?.finish_reason).toBe('stop');
      });
    });

    describe('streaming', () => {
      it('streams chunks in order whose text equals the non-stream text, then finish and usage', async () => {
        const body = ask('stream me please');
        const whole: ChatCompletion = await chat(body);
        const chunks = await collect(
          adapter.chatStream(
            { ...body, stream: true, stream_options: { include_usage: true } },
            creds,
            opts(),
          ),
        );
        expect(chunks.length).toBeGreaterThan(3);
        for (const chunk of chunks) {
          expect(chunk.object).toBe('chat.completion.chunk');
          expect(chunk.id).toBe(chunks[0]?.id);
          expect(chunk.id).toMatch(/^chatcmpl-./);
        }
        expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
        expect(chunks.filter((c) => (c.choices[0]?.delta.content ?? '') !== '').length).toBeGreaterThan(1);
        expect(contentOf(chunks)).toBe(whole.choices[0]?.message.content);
        const finishes = chunks
          .flatMap((c) => c.choices.map((choice) => choice.finish_reason))
          .filter(Boolean);
        expect(finishes).toEqual(['stop']);
        const last = chunks.at(-1);
        expect(last?.choices).toEqual([]);
        expect(last?.usage?.prompt_tokens).toBe(whole.usage?.prompt_tokens);
        expect(last?.usage?.completion_tokens).toBe(whole.usage?.completion_tokens);
      });

      it('sends no usage chunk unless asked', async () => {
        const chunks = await collect(stream(ask('no usage')));
        expect(chunks.some((c) => c.choices.length === 0)).toBe(false);
        expect(contentOf(chunks)).toBe('echo: no usage');
      });

      it('yields each chunk as it arrives, without buffering', async () => {
        const started = Date.now();
        const times: number[] = [];
        for await (const _chunk of stream(ask('one two three four five'), fault('chunk_delay=80'))) {
          times.push(Date.now() - started);
        }
        expect(times.length).toBeGreaterThan(3);
        expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(200);
      });

      it('stops the upstream stream when the consumer breaks out', async () => {
        const started = Date.now();
        for await (const chunk of stream(ask('one two three four five'), fault('chunk_delay=1000'))) {
          expect(chunk.object).toBe('chat.completion.chunk');
          break;
        }
        expect(Date.now() - started).toBeLessThan(900);
        expect((await chat(ask('still fine'))).choices[0]?.message.content).toBe('echo: still fine');
      });

      it('streams tool calls as tool_calls deltas', async () => {
        const chunks = await collect(stream(ask('weather?', { tools: [WEATHER_TOOL] })));
        const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
        expect(deltas[0]?.function?.name).toBe('get_weather');
        expect(deltas[0]?.id).toBeTruthy();
        expect(deltas.every((d) => d.index === 0)).toBe(true);
        const args = deltas.map((d) => d.function?.arguments ?? '').join('');
        expect(JSON.parse(args)).toEqual({ city: 'sim', days: 1 });
        expect(chunks.flatMap((c) => c.choices.map((x) => x.finish_reason)).filter(Boolean)).toEqual([
          'tool_calls',
        ]);
      });

      it('streams JSON mode as content (or refuses it)', async () => {
        if (lacks('json_mode')) {
          return refused(
            () => collect(stream(ask('hi', { response_format: { type: 'json_object' } }))),
            /^response_format$/,
          );
        }
        const chunks = await collect(stream(ask('hi', { response_format: { type: 'json_object' } })));
        expect(typeof JSON.parse(contentOf(chunks))).toBe('object');
      });

      it('reports length when max_tokens cuts the stream', async () => {
        const chunks = await collect(stream(ask('many words here', { max_tokens: 1 })));
        expect(contentOf(chunks)).toBe('echo');
        expect(chunks.flatMap((c) => c.choices.map((x) => x.finish_reason)).filter(Boolean)).toEqual([
          'length',
        ]);
      });
    });

    describe('errors', () => {
      const expectKind = (error: ProviderError, kind: ProviderErrorKind): void => {
        expect({ kind: error.kind, message: error.message }).toEqual({ kind, message: expect.any(String) });
        expect(error.message).not.toContain(KEY);
        expect(error.provider).toBe(contract.format);
      };

      it('401 is auth, and the key never shows in the message', async () => {
        const key = `sk-invalid-${contract.format}-0123456789`;
        sim.invalidateKey(key);
        const error = await failure(() => adapter.chat(ask('hi'), { ...creds, apiKey: key }, opts()));
        expectKind(error, 'auth');
        expect(error.upstreamStatus).toBe(401);
        expect(error.retryable).toBe(false);
        expect(error.message).not.toContain(key);
      });

      it('403 is permission', async () => {
        const error = await failure(() => chat(ask('hi'), fault('status=403')));
        expectKind(error, 'permission');
        expect(error.upstreamStatus).toBe(403);
      });

      it('429 with Retry-After is rate_limit with retryAfterMs', async () => {
        const error = await failure(() => chat(ask('hi'), fault('status=429; retry_after=2')));
        expectKind(error, 'rate_limit');
        expect(error.retryAfterMs).toBe(2000);
        expect(error.retryable).toBe(true);
      });

      it('a rate-limited key is rate_limit until it clears', async () => {
        const key = `sk-limited-${contract.format}-0123456789`;
        sim.setKeyBehavior(key, { status: 429, retryAfterSeconds: 3, times: 1 });
        const keyCreds = { ...creds, apiKey: key };
        const error = await failure(() => adapter.chat(ask('hi'), keyCreds, opts()));
        expectKind(error, 'rate_limit');
        expect(error.retryAfterMs).toBe(3000);
        expect((await adapter.chat(ask('hi'), keyCreds, opts())).choices[0]?.message.content).toBe(
          'echo: hi',
        );
      });

      it('400 is bad_request and not retryable', async () => {
        const error = await failure(() => chat(ask('hi'), fault('status=400')));
        expectKind(error, 'bad_request');
        expect(error.retryable).toBe(false);
      });

      it('404 is not_found', async () => {
        expectKind(await failure(() => chat(ask('hi'), fault('status=404'))), 'not_found');
      });

      it('a prompt over the context window is context_length', async () => {
        expectKind(await failure(() => chat(ask('hi'), fault('context_length'))), 'context_length');
      });

      it('filtered content is content_filter', async () => {
        expectKind(await failure(() => chat(ask('hi'), fault('content_filter'))), 'content_filter');
      });

      it.each([500, 503, 529])('%i is server and retryable', async (status) => {
        const error = await failure(() => chat(ask('hi'), fault(`status=${status}`)));
        expectKind(error, 'server');
        expect(error.upstreamStatus).toBe(status);
        expect(error.retryable).toBe(true);
      });

      it('a hanging upstream is timeout after timeoutMs', async () => {
        const started = Date.now();
        const error = await failure(() => chat(ask('hi'), fault('hang', { timeoutMs: 300 })));
        expectKind(error, 'timeout');
        expect(Date.now() - started).toBeLessThan(3000);
      });

      it("the caller's abort is aborted", async () => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 50);
        const error = await failure(() =>
          chat(ask('hi'), fault('latency=3000', { signal: controller.signal })),
        );
        expectKind(error, 'aborted');
        expect(error.retryable).toBe(false);
      });

      it('an already aborted signal is aborted', async () => {
        const controller = new AbortController();
        controller.abort();
        expectKind(await failure(() => chat(ask('hi'), opts({ signal: controller.signal }))), 'aborted');
      });

      it('a malformed body is network', async () => {
        expectKind(await failure(() => chat(ask('hi'), fault('malformed'))), 'network');
      });

      it('a connection cut mid-body is network', async () => {
        expectKind(await failure(() => chat(ask('hi'), fault('drop_after=1'))), 'network');
      });

      it('a refused connection is network', async () => {
        const baseUrl = contract.baseUrl(await refusingUrl());
        const error = await failure(() => adapter.chat(ask('hi'), { ...creds, baseUrl }, opts()));
        expectKind(error, 'network');
        expect(error.upstreamCode).toBe('ECONNREFUSED');
      });

      it('a base URL the outbound policy refuses is network (EOUTBOUND_POLICY), and nothing is sent', async () => {
        const before = sim.requests.length;
        // 127.0.0.2 is loopback too, but only 127.0.0.1 (the simulator) is allow-listed.
        const port = new URL(sim.url).port;
        for (const host of ['127.0.0.2', '[::ffff:127.0.0.2]', '169.254.169.254', '2130706434']) {
          const baseUrl = contract.baseUrl(`http://${host}:${port}`);
          const error = await failure(() => adapter.chat(ask('hi'), { ...creds, baseUrl }, opts()));
          expectKind(error, 'network');
          expect(error.upstreamCode).toBe('EOUTBOUND_POLICY');
          expect(error.message).toContain('outbound policy');
          expect(error.message).not.toContain('127.0.0.2');
          const streamed = await failure(() =>
            collect(adapter.chatStream({ ...ask('hi'), stream: true }, { ...creds, baseUrl }, opts())),
          );
          expect(streamed.upstreamCode).toBe('EOUTBOUND_POLICY');
        }
        expect(sim.requests.length).toBe(before);
      });

      it('a failed stream throws the class on the first read', async () => {
        const error = await failure(() => collect(stream(ask('hi'), fault('status=503; retry_after=1'))));
        expectKind(error, 'server');
        expect(error.retryAfterMs).toBe(1000);
      });

      it('a stream cut mid-way yields what arrived, then throws network', async () => {
        const received: ChatCompletionChunk[] = [];
        const error = await failure(async () => {
          for await (const chunk of stream(ask('a long enough answer to cut'), fault('drop_after=3'))) {
            received.push(chunk);
          }
        });
        expect(['network', 'server']).toContain(error.kind);
        expect(received.length).toBeGreaterThan(0);
      });

      it('a malformed stream frame is network', async () => {
        expectKind(
          await failure(() => collect(stream(ask('one two three four'), fault('malformed')))),
          'network',
        );
      });

      it('a stream that stalls is timeout', async () => {
        const received: ChatCompletionChunk[] = [];
        const error = await failure(async () => {
          for await (const chunk of stream(
            ask('one two three four'),
            fault('chunk_delay=2000', { timeoutMs: 300 }),
          )) {
            received.push(chunk);
          }
        });
        expectKind(error, 'timeout');
        expect(received.length).toBeGreaterThan(0);
      });

      it("the caller's abort mid-stream is aborted", async () => {
        const controller = new AbortController();
        const error = await failure(async () => {
          for await (const _chunk of stream(
            ask('one two three four'),
            fault('chunk_delay=200', { signal: controller.signal }),
          )) {
            controller.abort();
          }
        });
        expectKind(error, 'aborted');
      });

      it('a stream waits out a slow consumer without timing out', async () => {
        const chunks: ChatCompletionChunk[] = [];
        for await (const chunk of stream(ask('slow reader'), opts({ timeoutMs: 200 }))) {
          chunks.push(chunk);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(contentOf(chunks)).toBe('echo: slow reader');
      });
    });
  });
}
