import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OutboundPolicy } from '@switchyard/core';
import { DiscoveryError, discoverModels, type DiscoveryRequest } from './model-discovery.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP upstream whose answer each test sets. */
describe('discoverModels (over real HTTP)', () => {
  let server: Server;
  let base: string;
  let handler: Handler = (_req, res) => res.end();
  const seen: IncomingMessage[] = [];
  const policy = new OutboundPolicy(['127.0.0.1']);

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await policy.close();
  });

  const json =
    (body: unknown, status = 200): Handler =>
    (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };

  function request(over: Partial<DiscoveryRequest>): DiscoveryRequest {
    return {
      provider: 'box',
      format: 'openai',
      baseUrl: `${base}/v1`,
      timeoutMs: 2000,
      fetch: policy.fetch,
      ...over,
    };
  }

  async function failure(over: Partial<DiscoveryRequest>): Promise<DiscoveryError> {
    const err = await discoverModels(request(over)).catch((e: unknown) => e);
    if (err instanceof DiscoveryError) return err;
    throw new Error(`expected a DiscoveryError, got ${String(err)}`);
  }

  it('lists an OpenAI-compatible server, with the key and the default headers', async () => {
    handler = json({
      object: 'list',
      data: [{ id: 'b-model', owned_by: 'me' }, { id: 'a-model' }, { nope: 1 }],
    });
    seen.length = 0;
    const result = await discoverModels(
      request({ apiKey: 'sk-secret-0123456789', headers: { 'X-Org': 'lab' } }),
    );
    expect(result).toEqual({
      url: `${base}/v1/models`,
      models: [{ id: 'a-model' }, { id: 'b-model', owned_by: 'me' }],
    });
    expect(seen[0]!.url).toBe('/v1/models');
    expect(seen[0]!.headers.authorization).toBe('Bearer sk-secret-0123456789');
    expect(seen[0]!.headers['x-org']).toBe('lab');
  });

  it("lists Ollama's tags beside its /v1 root, without a key", async () => {
    handler = json({
      models: [
        {
          name: 'llama3.1:8b',
          model: 'llama3.1:8b',
          size: 4920753328,
          details: { family: 'llama', parameter_size: '8.0B' },
        },
      ],
    });
    seen.length = 0;
    const result = await discoverModels(request({ format: 'ollama' }));
    expect(seen[0]!.url).toBe('/api/tags');
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(result.models).toEqual([
      { id: 'llama3.1:8b', details: { family: 'llama', parameter_size: '8.0B', size_bytes: 4920753328 } },
    ]);
  });

  it("reads Anthropic's and Gemini's lists", async () => {
    handler = json({ data: [{ id: 'claude-x', display_name: 'Claude X' }] });
    seen.length = 0;
    const anthropic = await discoverModels(
      request({ format: 'anthropic', baseUrl: base, apiKey: 'sk-ant-key-0123' }),
    );
    expect(anthropic.models).toEqual([{ id: 'claude-x', name: 'Claude X' }]);
    expect(seen[0]!.headers['x-api-key']).toBe('sk-ant-key-0123');
    expect(seen[0]!.headers['anthropic-version']).toBeDefined();

    handler = json({
      models: [
        {
          name: 'models/gem-1',
          displayName: 'Gem 1',
          inputTokenLimit: 1000,
          outputTokenLimit: 100,
          supportedGenerationMethods: ['generateContent', 'countTokens'],
        },
      ],
    });
    const gemini = await discoverModels(request({ format: 'gemini', baseUrl: base }));
    expect(gemini.url).toBe(`${base}/v1beta/models?pageSize=1000`);
    expect(gemini.models).toEqual([
      {
        id: 'gem-1',
        name: 'Gem 1',
        context_window: 1000,
        max_output_tokens: 100,
        capabilities: ['chat', 'streaming'],
      },
    ]);
  });

  it('names the status and the upstream message, never the key', async () => {
    handler = json({ error: { message: 'Incorrect API key provided: sk-secret-0123456789' } }, 401);
    const err = await failure({ apiKey: 'sk-secret-0123456789' });
    expect(err.reason).toBe('status');
    expect(err.upstreamStatus).toBe(401);
    expect(err.message).toContain(`GET ${base}/v1/models answered 401`);
    expect(err.message).not.toContain('0123456789');
  });

  it('hints at /v1 on a 404, and refuses a body that is not a model list', async () => {
    handler = json({ error: 'not found' }, 404);
    expect((await failure({})).message).toMatch(/before \/chat\/completions/);
    handler = (_req, res) => res.end('<html>hello</html>');
    expect((await failure({})).message).toMatch(/did not answer with JSON/);
    handler = json({ models: 'none' });
    expect((await failure({})).message).toMatch(/did not answer with a model list/);
  });

  it('gives up after its time budget', async () => {
    handler = () => undefined; // never answers
    const err = await failure({ timeoutMs: 200 });
    expect(err.reason).toBe('timeout');
    expect(err.message).toMatch(/within 200 ms/);
  });

  it('reports a refused connection and the outbound policy', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const network = await failure({ baseUrl: `http://127.0.0.1:${port}/v1` });
    expect(network.reason).toBe('network');
    expect(network.message).toMatch(/could not connect \(ECONNREFUSED\)/);

    const strict = new OutboundPolicy([]);
    try {
      const refused = await failure({ fetch: strict.fetch });
      expect(refused.reason).toBe('policy');
      expect(refused.message).toMatch(/refused by the outbound policy/);
    } finally {
      await strict.close();
    }
  });
});
