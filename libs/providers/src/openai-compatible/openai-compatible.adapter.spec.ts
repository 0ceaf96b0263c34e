import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { startSimulator, type Simulator } from '../../../../apps/simulator/src/index.js';
import type { ProviderCredentials, ProviderError } from '../provider.port.js';
import { CallScope } from '../shared/call-scope.js';
import {
  failure,
  runAdapterContract,
  testOutboundPolicy,
  type RecordedImage,
} from '../testing/adapter-contract.js';
import { OpenAICompatibleAdapter } from './openai-compatible.adapter.js';
import { OpenAIHttpTransport } from './openai-http.transport.js';
import { classifyOpenAIError } from './openai.errors.js';

function recordedImage(body: unknown): RecordedImage | null {
  const messages = (body as { messages?: Array<{ content?: unknown }> }).messages ?? [];
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content as Array<{ type?: string; image_url?: { url?: string } }>) {
      const match = /^data:([^;]+);base64,(.*)$/.exec(part.image_url?.url ?? '');
      if (part.type === 'image_url' && match) return { mimeType: match[1]!, data: match[2]! };
    }
  }
  return null;
}

runAdapterContract({
  name: 'openai-compatible',
  format: 'openai',
  createAdapter: (outbound) => new OpenAICompatibleAdapter(outbound),
  startSimulator: () => startSimulator(),
  baseUrl: (url) => `${url}/v1`,
  model: 'sim-gpt',
  recordedImage,
});

describe('OpenAICompatibleAdapter beyond chat', () => {
  let sim: Simulator;
  let creds: ProviderCredentials;
  const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
  const opts = { timeoutMs: 5000 };
  const hi = { model: 'sim-gpt', messages: [{ role: 'user' as const, content: 'hi' }] };

  beforeAll(async () => {
    sim = await startSimulator();
    creds = { apiKey: 'sk-openai-extra-0123456789', baseUrl: `${sim.url}/v1` };
  });
  afterAll(async () => {
    await sim.close();
  });

  it('passes the body through untouched and sends the request id', async () => {
    await sut.chat({ ...hi, seed: 7, user: 'u-1' }, creds, { ...opts, requestId: 'req-123' });
    const recorded = sim.requests.at(-1)!;
    expect(recorded.body).toEqual({ ...hi, seed: 7, user: 'u-1' });
    expect(recorded.headers['x-client-request-id']).toBe('req-123');
  });

  it('completes legacy prompts', async () => {
    const result = await sut.completion({ model: 'sim-gpt', prompt: 'say this' }, creds, opts);
    expect(result).toMatchObject({
      object: 'text_completion',
      choices: [{ text: 'echo: say this', finish_reason: 'stop' }],
    });
    expect(result.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('streams legacy completions chunk by chunk, with usage when asked', async () => {
    const chunks = [];
    const body = { model: 'sim-gpt', prompt: 'one two three', stream: true as const };
    for await (const chunk of sut.completionStream(
      { ...body, stream_options: { include_usage: true } },
      creds,
      opts,
    )) {
      chunks.push(chunk);
    }
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.map((c) => c.choices[0]?.text ?? '').join('')).toBe('echo: one two three');
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('embeds as floats and as base64', async () => {
    const floats = await sut.embeddings(
      { model: 'sim-embed', input: ['a', 'b'], dimensions: 8 },
      creds,
      opts,
    );
    expect(floats.object).toBe('list');
    expect(floats.data).toHaveLength(2);
    expect(floats.data[0]?.embedding).toHaveLength(8);
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
    const base64 = await sut.embeddings(
      { model: 'sim-embed', input: 'a', dimensions: 8, encoding_format: 'base64' },
      creds,
      opts,
    );
    const encoded = base64.data[0]?.embedding as unknown as string;
    const decoded = Array.from(new Float32Array(new Uint8Array(Buffer.from(encoded, 'base64')).buffer));
    expect(decoded).toEqual(floats.data[0]?.embedding);
  });

  it('pings with a cheap authenticated call, and a bad key fails it as auth', async () => {
    await expect(sut.ping(creds, opts)).resolves.toBeUndefined();
    sim.invalidateKey('sk-revoked-0123456789');
    const error = await failure(() => sut.ping({ ...creds, apiKey: 'sk-revoked-0123456789' }, opts));
    expect(error.kind).toBe('auth');
  });

  it('names the provider given in the options in its errors', async () => {
    const error = await failure(() =>
      sut.chat(hi, creds, { ...opts, provider: 'groq', headers: { 'x-sim-fault': 'status=500' } }),
    );
    expect(error).toMatchObject({ kind: 'server', provider: 'groq' });
    expect(error.message).toMatch(/^groq: /);
  });

  it('speaks the Azure deployment API when the base URL carries an api-version', async () => {
    const azure = { apiKey: 'azure-key-0123456789', baseUrl: `${sim.url}/openai?api-version=2024-10-21` };
    // The simulator has no deployment routes: the 404 proves the request went to Azure's path.
    const error = await failure(() => sut.chat({ ...hi, model: 'gpt-4o' }, azure, opts));
    expect(error.kind).toBe('not_found');
    const recorded = sim.requests.at(-1)!;
    expect(recorded.path).toBe('/openai/deployments/gpt-4o/chat/completions');
    expect(recorded.headers['api-key']).toBe('azure-key-0123456789');
  });
});

/** What the test upstream below is asked to do, riding in the request body (passed through untouched). */
interface TestInstructions {
  stream?: boolean;
  /** Four chunks 200 ms apart instead of two at once. */
  slow?: boolean;
  /** A fixed answer. */
  reply?: { status: number; headers?: Record<string, string>; body: string };
  /** A stream's raw bytes, written one byte at a time. */
  raw?: string;
  /** The start of a JSON answer, after which the upstream says nothing more. */
  hang?: string;
  /** An answer whose connection is cut after the first part of its body. */
  cut?: { status: number; headers?: Record<string, string>; body: string };
  /** A stream that sends one chunk and `[DONE]`, then holds its body open. */
  holdAfterDone?: boolean;
  /** A 500 whose body is an error object followed by this many bytes of white space. */
  bigError?: number;
  /** A stream of this many chunks of 16 KiB each, written as fast as the connection takes them. */
  flood?: number;
  /** A stream behind a 103 Early Hints answer. */
  earlyHints?: boolean;
}

/** The fields of a ProviderError that callers read. */
function fields(error: ProviderError) {
  const { kind, message, provider, upstreamStatus, upstreamCode, param, retryAfterMs, upstreamRequestId } =
    error;
  return { kind, message, provider, upstreamStatus, upstreamCode, param, retryAfterMs, upstreamRequestId };
}

describe('OpenAICompatibleAdapter over undici', () => {
  // A bare upstream that counts the TCP connections it accepts, to see the pool at work.
  let server: Server;
  let baseUrl: string;
  let connections = 0;
  const closedRequests: string[] = [];
  /** The bytes of a `flood` stream its connection has taken so far. */
  let floodTaken = 0;
  const opts = { timeoutMs: 5000 };
  const hi = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };
  const key = 'sk-pool-0123456789';
  const chunk = (content: string) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] })}\n\n`;
  const scope = () => {
    const s = new CallScope({ timeoutMs: 60_000 }, 'openai');
    s.dispose();
    return s;
  };

  beforeAll(async () => {
    server = createServer({ keepAlive: true }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as TestInstructions;
        res.on('close', () => {
          if (!res.writableFinished) closedRequests.push(req.url ?? '');
        });
        if (body.bigError !== undefined) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.write('{"error":{"message":"disk full","type":"server_error"}');
          const block = Buffer.alloc(64 * 1024, ' ');
          let left = body.bigError;
          const more = (): void => {
            while (left > 0 && !res.destroyed) {
              left -= block.length;
              if (!res.write(block)) return void res.once('drain', more);
            }
            if (!res.destroyed) res.end('}');
          };
          more();
        } else if (body.earlyHints) {
          res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
          // The real answer in a later write, as an upstream that hints first sends it.
          setTimeout(() => {
            res.writeHead(200, { 'content-type': 'text/event-stream' });
            res.end(chunk('a') + 'data: [DONE]\n\n');
          }, 20);
        } else if (body.flood !== undefined) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          floodTaken = 0;
          const event = chunk('x'.repeat(16 * 1024));
          let left = body.flood;
          const more = (): void => {
            while (left > 0 && !res.destroyed) {
              left--;
              const taken = res.write(event);
              floodTaken += event.length;
              if (!taken) return void res.once('drain', more);
            }
            if (!res.destroyed) res.end('data: [DONE]\n\n');
          };
          more();
        } else if (body.holdAfterDone) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(chunk('a') + 'data: [DONE]\n\n');
        } else if (body.cut) {
          res.writeHead(body.cut.status, { ...body.cut.headers, 'content-length': '1000' });
          res.write(body.cut.body);
          setTimeout(() => res.socket?.destroy(), 10);
        } else if (body.hang !== undefined) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write(body.hang);
        } else if (body.reply) {
          res.writeHead(body.reply.status, body.reply.headers ?? {});
          res.end(body.reply.body);
        } else if (body.raw !== undefined) {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_stream' });
          const bytes = Buffer.from(body.raw);
          let i = 0;
          const next = (): void => {
            if (res.destroyed) return;
            if (i === bytes.length) res.end();
            else res.write(bytes.subarray(i, ++i), () => setImmediate(next));
          };
          next();
        } else if (body.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          const words = body.slow ? ['a', 'b', 'c', 'd'] : ['a', 'b'];
          let i = 0;
          const next = (): void => {
            if (res.destroyed) return;
            if (i === words.length) {
              res.end('data: [DONE]\n\n');
              return;
            }
            res.write(chunk(words[i++]!));
            setTimeout(next, body.slow ? 200 : 0);
          };
          next();
        } else if (req.url === '/v1/embeddings') {
          res.writeHead(200, { 'content-type': 'application/json' });
          const embedding = Buffer.from(new Float32Array([0.5, -1]).buffer).toString('base64');
          res.end(JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding }] }));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [] }));
        }
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  describe('errors, exactly as the SDK path reports them', () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    afterAll(() => sut.close());

    it.each([
      [
        'an OpenAI error object',
        429,
        { 'retry-after-ms': '1500', 'x-request-id': 'req_1', 'content-type': 'application/json' },
        JSON.stringify({
          error: {
            message: `slow down ${key}`,
            type: 'requests',
            code: 'rate_limit_exceeded',
            param: 'model',
          },
        }),
      ],
      ['an error given as a string', 401, {}, JSON.stringify({ error: 'Unauthorized' })],
      ['JSON without an error', 400, {}, JSON.stringify({ detail: 'bad' })],
      ['plain text', 502, { 'retry-after': '3' }, '<html>Bad gateway</html>'],
      ['an empty body', 503, {}, ''],
      [
        'a message that is not a string',
        400,
        {},
        JSON.stringify({ error: { message: ['a', 'b'], code: 'context_length_exceeded' } }),
      ],
      ['a 3xx', 302, { location: 'http://elsewhere/' }, ''],
    ])('%s (%i)', async (_name, status, headers, raw) => {
      const body = { ...hi, reply: { status, headers, body: raw } };
      const direct = await failure(() => sut.chat(body, { apiKey: key, baseUrl }, opts));
      // What the SDK throws for the same answer: body text, parsed if JSON, APIError.generate.
      let json: object | undefined;
      try {
        json = JSON.parse(raw) as object;
      } catch {
        json = undefined;
      }
      const thrown = OpenAI.APIError.generate(status, json, json ? undefined : raw, new Headers(headers));
      expect(fields(direct)).toEqual(fields(classifyOpenAIError(thrown, scope(), [key])));
      expect(direct.message).not.toContain(key);
    });

    it('an error frame inside a stream', async () => {
      const error = { message: 'The server is overloaded', type: 'server_error', code: null };
      const body = {
        ...hi,
        stream: true as const,
        raw: `${chunk('a')}data: ${JSON.stringify({ error })}\n\n`,
      };
      const received: unknown[] = [];
      const direct = await failure(async () => {
        for await (const c of sut.chatStream(body, { apiKey: key, baseUrl }, opts)) received.push(c);
      });
      expect(received).toHaveLength(1);
      const thrown = new OpenAI.APIError(
        undefined,
        error,
        undefined,
        new Headers({ 'x-request-id': 'req_stream' }),
      );
      expect(fields(direct)).toEqual(fields(classifyOpenAIError(thrown, scope(), [key])));
      expect(direct).toMatchObject({
        kind: 'server',
        upstreamCode: 'server_error',
        upstreamRequestId: 'req_stream',
      });
    });
  });

  it('parses a stream byte by byte: split UTF-8, CRLF, comments, event names, multi-line data', async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    const raw =
      ': keep-alive\n\n' +
      chunk('héllo wörld ✓') +
      'event: message\r\ndata: {"id":"c1","choices":[{"index":0,"delta":{"content":"🙂"}}]}\r\n\r\n' +
      'data: {"id":"c1","choices":\ndata: []}\n\n' +
      'data: [DONE]\n\n' +
      chunk('after done');
    const body = { ...hi, stream: true as const, raw };
    const chunks: ChatCompletionChunk[] = [];
    try {
      for await (const c of sut.chatStream(body, { apiKey: key, baseUrl }, opts)) chunks.push(c);
    } finally {
      await sut.close();
    }
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? null)).toEqual(['héllo wörld ✓', '🙂', null]);
  });

  // undici gives a connection back to its pool one event-loop turn after its answer ended (so a
  // server closing it right after has the time to say so): a call made later than that reuses it,
  // as requests arriving from clients do; a tight loop alternates between two.
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('keeps one connection alive across calls, finished streams and error answers', async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    const creds = { apiKey: key, baseUrl };
    connections = 0;
    try {
      for (let i = 0; i < 3; i++) {
        await sut.chat(hi, creds, opts);
        await nextTurn();
      }
      for (let i = 0; i < 3; i++) {
        const texts: string[] = [];
        for await (const c of sut.chatStream({ ...hi, stream: true }, creds, opts)) {
          texts.push(c.choices[0]?.delta.content ?? '');
        }
        expect(texts).toEqual(['a', 'b']);
        await nextTurn();
      }
      const error = JSON.stringify({ error: { message: 'slow down', code: 'rate_limit_exceeded' } });
      const limitedBody = { ...hi, reply: { status: 429, body: error } };
      const limited = await failure(() => sut.chat(limitedBody, creds, opts));
      expect(limited.kind).toBe('rate_limit');
      await nextTurn();
      const embedded = await sut.embeddings({ model: 'e', input: 'x' }, creds, opts);
      expect(embedded.data[0]?.embedding).toEqual([0.5, -1]);
      await nextTurn();
      // Another key on the same origin shares the pool.
      await sut.chat(hi, { ...creds, apiKey: 'sk-pool-other-0123456789' }, opts);
      expect(connections).toBe(1);

      for (let i = 0; i < 20; i++) await sut.chat(hi, creds, opts);
      for (let i = 0; i < 5; i++) {
        for await (const _c of sut.chatStream({ ...hi, stream: true }, creds, opts));
      }
      expect(connections).toBeLessThanOrEqual(2);
    } finally {
      await sut.close();
    }
  });

  it('reads at most 64 KiB of an error answer, plain and streamed, and closes its connection', async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    const creds = { apiKey: key, baseUrl };
    try {
      for (const stream of [false, true]) {
        closedRequests.length = 0;
        // 50 MB after the error object: what reached the gateway is cut, so it is no JSON.
        const plain = { ...hi, bigError: 50 * 1024 * 1024 };
        const streamed = { ...plain, stream: true as const };
        const error = await failure(async () => {
          if (stream) for await (const _c of sut.chatStream(streamed, creds, opts));
          else await sut.chat(plain, creds, opts);
        });
        expect(error).toMatchObject({ kind: 'server', upstreamStatus: 500 });
        expect(error.message.length).toBeLessThan(1_000);
        for (let i = 0; i < 100 && closedRequests.length === 0; i++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(closedRequests).toEqual(['/v1/chat/completions']);
      }
    } finally {
      await sut.close();
    }
  });

  it('closes the connection of a stream left early', async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    const creds = { apiKey: key, baseUrl };
    closedRequests.length = 0;
    try {
      const body = { ...hi, stream: true as const, slow: true };
      for await (const _c of sut.chatStream(body, creds, opts)) break;
      expect((await sut.chat(hi, creds, opts)).object).toBe('chat.completion');
      // The upstream sees the stream's response cut before it has finished sending it.
      for (let i = 0; i < 100 && closedRequests.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(closedRequests).toEqual(['/v1/chat/completions']);
    } finally {
      await sut.close();
    }
  });

  it('pauses the upstream while a slow consumer holds its events, then reads the stream to its end', async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    try {
      // 48 MiB: without backpressure loopback takes it all in well under the consumer's pause.
      const events = 3 * 1024;
      const body = { ...hi, stream: true as const, flood: events };
      let seen = 0;
      let takenWhileHeld = 0;
      for await (const c of sut.chatStream(body, { apiKey: key, baseUrl }, opts)) {
        if (seen++ === 0) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          takenWhileHeld = floodTaken;
        }
        expect(c.choices[0]?.delta.content).toHaveLength(16 * 1024);
      }
      expect(seen).toBe(events);
      // The socket buffers on both sides and one high-water mark hold a few MiB, not 48.
      expect(takenWhileHeld).toBeGreaterThan(0);
      expect(takenWhileHeld).toBeLessThan(24 * 1024 * 1024);
      expect(floodTaken).toBeGreaterThan(48 * 1024 * 1024);
    } finally {
      await sut.close();
    }
  });

  it("a caller's abort while a slow consumer holds the stream paused ends it as aborted, and closes its connection", async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    closedRequests.length = 0;
    try {
      const controller = new AbortController();
      const body = { ...hi, stream: true as const, flood: 3 * 1024 };
      let seen = 0;
      const error = await failure(async () => {
        for await (const _c of sut.chatStream(
          body,
          { apiKey: key, baseUrl },
          { ...opts, signal: controller.signal },
        )) {
          if (seen++ === 0) {
            await new Promise((resolve) => setTimeout(resolve, 200));
            controller.abort();
          }
        }
      });
      expect(error.kind).toBe('aborted');
      // The events already read are not handed out after the abort.
      expect(seen).toBe(1);
      for (let i = 0; i < 100 && closedRequests.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(closedRequests).toEqual(['/v1/chat/completions']);
    } finally {
      await sut.close();
    }
  });

  it('a stream behind a 103 Early Hints answer is read as its 200', async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    try {
      const texts: string[] = [];
      const body = { ...hi, stream: true as const, earlyHints: true };
      for await (const c of sut.chatStream(body, { apiKey: key, baseUrl }, opts)) {
        texts.push(c.choices[0]?.delta.content ?? '');
      }
      expect(texts).toEqual(['a']);
    } finally {
      await sut.close();
    }
  });

  it('a stream whose signal has already fired sends nothing', async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    connections = 0;
    try {
      const signal = AbortSignal.abort();
      const body = { ...hi, stream: true as const };
      const error = await failure(async () => {
        for await (const _c of sut.chatStream(body, { apiKey: key, baseUrl }, { ...opts, signal })) break;
      });
      expect(error.kind).toBe('aborted');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(connections).toBe(0);
    } finally {
      await sut.close();
    }
  });

  it('reads an answer that arrives a byte at a time, behind a byte-order mark', async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    const answer = {
      id: 'x',
      object: 'chat.completion',
      choices: [{ index: 0, message: { content: 'héllo ✓' } }],
    };
    try {
      const body = { ...hi, raw: `\uFEFF${JSON.stringify(answer)}` };
      const got = await sut.chat(body, { apiKey: key, baseUrl }, opts);
      expect(got).toEqual(answer);
    } finally {
      await sut.close();
    }
  });

  it('a body that stops half-way is timeout at the deadline, and its connection is closed', async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    closedRequests.length = 0;
    try {
      const started = Date.now();
      const body = { ...hi, hang: '{"id":"x","obj' };
      const error = await failure(() => sut.chat(body, { apiKey: key, baseUrl }, { timeoutMs: 300 }));
      expect(error.kind).toBe('timeout');
      expect(error.message).toContain('no response within 300 ms');
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      for (let i = 0; i < 100 && closedRequests.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(closedRequests).toEqual(['/v1/chat/completions']);
    } finally {
      await sut.close();
    }
  });

  it('an error answer whose body breaks off is still that error, by its status', async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    try {
      const body = { ...hi, cut: { status: 429, headers: { 'retry-after': '2' }, body: '{"error":{"mess' } };
      const error = await failure(() => sut.chat(body, { apiKey: key, baseUrl }, opts));
      expect(error.kind).toBe('rate_limit');
      expect(error.retryAfterMs).toBe(2000);
      expect(error.upstreamStatus).toBe(429);
      const ok = { ...hi, cut: { status: 200, body: '{"id":"x","obj' } };
      expect((await failure(() => sut.chat(ok, { apiKey: key, baseUrl }, opts))).kind).toBe('network');
    } finally {
      await sut.close();
    }
  });

  it('a call whose signal has already fired sends nothing', async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    connections = 0;
    try {
      const signal = AbortSignal.abort();
      expect((await failure(() => sut.chat(hi, { apiKey: key, baseUrl }, { ...opts, signal }))).kind).toBe(
        'aborted',
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(connections).toBe(0);
    } finally {
      await sut.close();
    }
  });

  it("a caller's abort before the connection is open fails the call at once", async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    try {
      const controller = new AbortController();
      const call = failure(() =>
        sut.chat(hi, { apiKey: key, baseUrl }, { ...opts, signal: controller.signal }),
      );
      controller.abort();
      expect((await call).kind).toBe('aborted');
      // The pool still works for the next call.
      expect((await sut.chat(hi, { apiKey: key, baseUrl }, opts)).object).toBe('chat.completion');
    } finally {
      await sut.close();
    }
  });

  it('a stream that holds its body open after [DONE] ends for the caller, and its connection is let go', async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    closedRequests.length = 0;
    try {
      const texts: string[] = [];
      const body = { ...hi, stream: true as const, holdAfterDone: true };
      for await (const c of sut.chatStream(body, { apiKey: key, baseUrl }, opts)) {
        texts.push(c.choices[0]?.delta.content ?? '');
      }
      expect(texts).toEqual(['a']);
      // Nothing more comes; the drain gives up after its second and closes the connection.
      for (let i = 0; i < 300 && closedRequests.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(closedRequests).toEqual(['/v1/chat/completions']);
    } finally {
      await sut.close();
    }
  });

  it('runs concurrent calls on parallel connections, and close() ends them', async () => {
    const sut = new OpenAICompatibleAdapter(testOutboundPolicy());
    const creds = { apiKey: key, baseUrl };
    const open = () => new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)));
    connections = 0;
    await Promise.all([1, 2, 3].map(() => sut.chat(hi, creds, opts)));
    expect(connections).toBe(3);
    await nextTurn();
    await Promise.all([1, 2, 3].map(() => sut.chat(hi, creds, opts)));
    expect(connections).toBe(3);
    expect(await open()).toBe(3);
    await sut.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await open()).toBe(0);
    // A closed adapter opens a new pool on its next call.
    await sut.chat(hi, creds, opts);
    expect(connections).toBe(4);
    await sut.close();
  });
  it('keeps a pool while a call runs on it, closes it once unused for a whole period, and opens another on the next call', async () => {
    const transport = new OpenAIHttpTransport('openai', testOutboundPolicy().connector(), undefined, 100);
    const creds = { apiKey: key, baseUrl };
    const endpoint = transport.endpoint(creds)!;
    const open = () => new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)));
    connections = 0;
    try {
      // A stream that outlives several periods (four words 200 ms apart) keeps its pool.
      const words: string[] = [];
      const slow = { ...hi, stream: true, slow: true };
      for await (const c of transport.stream<ChatCompletionChunk>(endpoint, 'chat', slow, creds, opts))
        words.push(c.choices[0]?.delta.content ?? '');
      expect(words).toEqual(['a', 'b', 'c', 'd']);
      await nextTurn(); // the stream's connection back in its pool
      await transport.json(endpoint, 'chat', hi, creds, opts);
      expect(connections).toBe(1);
      expect(transport.pooledOrigins).toBe(1);
      // Unused for a whole period: the pool and its keep-alive connection go (within two periods;
      // polled, so that a stalled test process cannot fail it).
      const until = async (done: () => boolean | Promise<boolean>): Promise<void> => {
        for (const deadline = Date.now() + 5000; !(await done()) && Date.now() < deadline;)
          await new Promise((resolve) => setTimeout(resolve, 20));
      };
      await until(() => transport.pooledOrigins === 0);
      expect(transport.pooledOrigins).toBe(0);
      await until(async () => (await open()) === 0);
      expect(await open()).toBe(0);
      // The endpoint still works: a new pool, a new connection.
      await transport.json(endpoint, 'chat', hi, creds, opts);
      expect(transport.pooledOrigins).toBe(1);
      expect(connections).toBe(2);
    } finally {
      await transport.close();
    }
  });
});
