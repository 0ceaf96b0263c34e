import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startSimulator, type Simulator } from '../../../../apps/simulator/src/index.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { ProviderCredentials } from '../provider.port.js';
import { failure, runAdapterContract, testOutboundPolicy } from '../testing/adapter-contract.js';
import { GigaChatAdapter, gigachatApiRoot } from './gigachat.adapter.js';
import { gigachatHttpError } from './gigachat.errors.js';
import { functionResult } from './gigachat.request.js';
import { GIGACHAT_TOKEN_URL, gigachatTokenUrl } from './gigachat.tokens.js';

runAdapterContract({
  name: 'gigachat',
  format: 'gigachat',
  createAdapter: (outbound) => new GigaChatAdapter(outbound),
  startSimulator: () => startSimulator(),
  baseUrl: (url) => `${url}/api/v1`,
  model: 'sim-gigachat',
  recordedImage: () => null,
  unsupported: ['images', 'stop', 'json_mode'],
});

describe('GigaChatAdapter', () => {
  let sim: Simulator;
  let creds: ProviderCredentials;
  let sut: GigaChatAdapter;
  const opts = { timeoutMs: 5000 };
  const ask = (text: string) => ({
    model: 'sim-gigachat',
    messages: [{ role: 'user' as const, content: text }],
  });
  const tokenCalls = (): number => sim.requests.filter((r) => r.path === '/api/v2/oauth').length;
  const lastBody = (): Record<string, unknown> => sim.requests.at(-1)?.body as Record<string, unknown>;

  beforeAll(async () => {
    sim = await startSimulator({ gigachatTokenTtlMs: 1200 });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sut = new GigaChatAdapter(testOutboundPolicy());
    creds = { apiKey: `auth-key-${Math.random().toString(36).slice(2)}`, baseUrl: `${sim.url}/api/v1` };
  });

  it('exchanges the auth key once (Basic, RqUID, scope form) and reuses the token', async () => {
    const before = tokenCalls();
    await sut.chat(ask('one'), creds, opts);
    await sut.chat(ask('two'), creds, opts);
    for await (const _chunk of sut.chatStream({ ...ask('three'), stream: true }, creds, opts)) void _chunk;
    expect(tokenCalls() - before).toBe(1);
    const exchange = sim.requests.find((r) => r.path === '/api/v2/oauth' && r.apiKey === creds.apiKey);
    expect(exchange?.headers.authorization).toBe(`Basic ${creds.apiKey}`);
    expect(exchange?.headers.rquid).toMatch(/^[0-9a-f-]{36}$/);
    expect(exchange?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(exchange?.body).toEqual({ scope: 'GIGACHAT_API_PERS' });
    const call = sim.requests.at(-1);
    expect(call?.path).toBe('/api/v1/chat/completions');
    expect(call?.headers.authorization).toMatch(/^Bearer sim-gigachat-/);
    expect(call?.apiKey).toBe(creds.apiKey);
  });

  it('pings with a token: GET /models', async () => {
    await sut.ping(creds, opts);
    expect(sim.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/api/v1/models',
      apiKey: creds.apiKey,
    });
    const bad = `${creds.apiKey}-refused`;
    sim.invalidateKey(bad);
    expect((await failure(() => sut.ping({ ...creds, apiKey: bad }, opts))).kind).toBe('auth');
  });

  it('shares one exchange between concurrent calls', async () => {
    const before = tokenCalls();
    await Promise.all([1, 2, 3, 4].map((i) => sut.chat(ask(`c${i}`), creds, opts)));
    expect(tokenCalls() - before).toBe(1);
  });

  it('exchanges again shortly before the token expires', async () => {
    const before = tokenCalls();
    await sut.chat(ask('a'), creds, opts);
    await new Promise((resolve) => setTimeout(resolve, 950));
    await sut.chat(ask('b'), creds, opts);
    expect(tokenCalls() - before).toBe(2);
  });

  it('on a 401 drops the token, exchanges once more and repeats the call', async () => {
    await sut.chat(ask('warm'), creds, opts);
    const before = tokenCalls();
    sim.revokeGigaChatTokens();
    const result = await sut.chat(ask('after revoke'), creds, opts);
    expect(result.choices[0]?.message.content).toBe('echo: after revoke');
    expect(tokenCalls() - before).toBe(1);
    sim.revokeGigaChatTokens();
    const chunks: string[] = [];
    for await (const chunk of sut.chatStream({ ...ask('streamed'), stream: true }, creds, opts)) {
      chunks.push(chunk.choices[0]?.delta.content ?? '');
    }
    expect(chunks.join('')).toBe('echo: streamed');
  });

  it('an auth key the token endpoint refuses is auth, after one exchange only', async () => {
    sim.invalidateKey(creds.apiKey);
    const before = tokenCalls();
    const error = await failure(() => sut.chat(ask('x'), creds, opts));
    expect({ kind: error.kind, status: error.upstreamStatus }).toEqual({ kind: 'auth', status: 401 });
    expect(error.message).not.toContain(creds.apiKey);
    expect(tokenCalls() - before).toBe(1);
  });

  it('sends tools as functions and tool results as function messages with JSON content', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'w',
          description: 'd',
          parameters: { type: 'object', properties: { c: { type: 'string' } }, required: ['c'] },
        },
      },
    ];
    const first = await sut.chat(
      { ...ask('go'), tools, tool_choice: { type: 'function', function: { name: 'w' } } },
      creds,
      opts,
    );
    expect(lastBody()).toMatchObject({
      functions: [{ name: 'w', description: 'd', parameters: tools[0]!.function.parameters }],
      function_call: { name: 'w' },
    });
    const call = first.choices[0]!.message.tool_calls![0]!;
    await sut.chat(
      {
        ...ask('go'),
        tools,
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: 'done' },
        ],
      },
      creds,
      opts,
    );
    expect((lastBody().messages as unknown[]).slice(1)).toEqual([
      { role: 'assistant', content: '', function_call: { name: 'w', arguments: { c: 'sim' } } },
      { role: 'function', name: 'w', content: '{"result":"done"}' },
    ]);
  });

  it('a blacklist answer is content_filter; streamed it is finish_reason content_filter', async () => {
    const fault = { ...opts, headers: { 'x-sim-fault': 'content_filter' } };
    expect((await failure(() => sut.chat(ask('x'), creds, fault))).kind).toBe('content_filter');
    const finishes: unknown[] = [];
    for await (const chunk of sut.chatStream({ ...ask('x'), stream: true }, creds, fault)) {
      finishes.push(...chunk.choices.map((c) => c.finish_reason).filter(Boolean));
    }
    expect(finishes).toEqual(['content_filter']);
  });

  it('derives the token URL, and takes <ID>_AUTH_BASE_URL from the environment', async () => {
    expect(gigachatTokenUrl('https://gigachat.devices.sberbank.ru/api/v1')).toBe(GIGACHAT_TOKEN_URL);
    expect(gigachatTokenUrl('http://127.0.0.1:9/api/v1')).toBe('http://127.0.0.1:9/api/v2/oauth');
    expect(gigachatTokenUrl('https://x.example/api/v1', 'https://auth.example/api/v2/')).toBe(
      'https://auth.example/api/v2/oauth',
    );
    expect(gigachatApiRoot('https://gigachat.devices.sberbank.ru')).toBe(
      'https://gigachat.devices.sberbank.ru/api/v1',
    );
    const catalog = CatalogService.fromDirectory();
    const configured = new GigaChatAdapter(testOutboundPolicy(), catalog, {
      GIGACHAT_AUTH_BASE_URL: `${sim.url}/api/v2`,
    });
    expect(configured.tokenUrlFor('gigachat', 'https://gigachat.devices.sberbank.ru/api/v1')).toBe(
      `${sim.url}/api/v2/oauth`,
    );
    expect(configured.tokenUrlFor('simulator-gigachat', `${sim.url}/api/v1`)).toBe(`${sim.url}/api/v2/oauth`);
    expect(
      new GigaChatAdapter(testOutboundPolicy(), catalog).tokenUrlFor(
        'gigachat',
        'https://gigachat.devices.sberbank.ru/api/v1',
      ),
    ).toBe(GIGACHAT_TOKEN_URL);
  });

  it('classifies its 422 token-limit message as context_length and wraps plain tool results', () => {
    const error = gigachatHttpError(
      422,
      { status: 422, message: 'Tokens limit exceeded' },
      undefined,
      'gigachat',
      [],
    );
    expect(error.kind).toBe('context_length');
    expect(functionResult('{"a":1}')).toBe('{"a":1}');
    expect(functionResult('[1]')).toBe('{"result":[1]}');
    expect(functionResult('sunny')).toBe('{"result":"sunny"}');
  });
});
