import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UsageRecorder } from '@switchyard/credits';
import OpenAI from 'openai';
import request from 'supertest';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';

const WEATHER: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const AUTH_KEY = 'giga-auth-key-0123456789';

/**
 * The Cohere and GigaChat providers (issue 17: IndoxRouter's and Hyper AI Gateway's) through the
 * gateway with the openai SDK, against the simulator speaking their wire formats: Cohere with an
 * environment key, GigaChat with the caller's X-GigaChat-Auth-Key exchanged for an access token.
 */
describe('providers: Cohere and GigaChat', () => {
  let t: LlmGateway;
  let giga: OpenAI;
  const tokenExchanges = (): number =>
    t.sim.requests.filter((r) => r.path === '/api/v2/oauth' && r.apiKey === AUTH_KEY).length;

  beforeAll(async () => {
    t = await startLlmGateway({
      simEnv: (url) => ({
        COHERE_API_KEY: 'co-env-key-0123456789',
        COHERE_BASE_URL: url,
        // No GIGACHAT_API_KEY: GigaChat is reachable with the caller's own auth key only.
        GIGACHAT_BASE_URL: `${url}/api/v1`,
      }),
    });
    giga = new OpenAI({
      baseURL: `${t.gw.url}/v1`,
      apiKey: t.key,
      maxRetries: 0,
      timeout: 20_000,
      defaultHeaders: { 'X-GigaChat-Auth-Key': AUTH_KEY },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The ledger's charge for one request (positive credits), once it has settled. */
  async function charged(requestId: string): Promise<number> {
    for (let i = 0; i < 50; i++) {
      const ledger = await request(t.gw.url)
        .get('/api/v1/credits/ledger')
        .query({ request_id: requestId })
        .auth(t.member.token, { type: 'bearer' })
        .expect(200);
      const charges = (ledger.body.data as Array<{ kind: string; amount: string }>).filter(
        (e) => e.kind === 'charge',
      );
      if (charges.length > 0) return -charges.reduce((sum, e) => sum + Number(e.amount), 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no charge for ${requestId}`);
  }

  it('Cohere chat: the alias resolves, /v2/chat gets the env key, the answer is charged', async () => {
    const { data, response } = await t.client.chat.completions
      .create({ model: 'cohere/command-a', messages: [{ role: 'user', content: 'hello cohere' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: hello cohere');
    expect(response.headers.get('x-switchyard-model')).toBe('cohere/command-a-03-2025');
    const upstream = t.sim.requests.at(-1);
    expect(upstream).toMatchObject({ path: '/v2/chat', apiKey: 'co-env-key-0123456789', format: 'cohere' });
    expect((upstream?.body as { model: string }).model).toBe('command-a-03-2025');
    const cost = (data.usage as unknown as { cost: string }).cost;
    expect(Number(cost)).toBeGreaterThan(0);
    expect(await charged(response.headers.get('x-request-id')!)).toBeCloseTo(Number(cost), 9);
  });

  it('Cohere streams through the SDK with usage, and calls a tool', async () => {
    const stream = await t.client.chat.completions.create({
      model: 'cohere/command-r',
      messages: [{ role: 'user', content: 'stream from cohere' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('echo: stream from cohere');
    expect(usage?.completion_tokens).toBeGreaterThan(0);

    const tool = await t.client.chat.completions.create({
      model: 'cohere/command-r-plus',
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      tools: [WEATHER],
    });
    const call = tool.choices[0]?.message.tool_calls?.[0];
    expect(tool.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'sim' });
  });

  it('Cohere embeddings: /v2/embed with search_document, charged', async () => {
    const { data, response } = await t.client.embeddings
      .create({ model: 'cohere/embed-v4.0', input: ['first text', 'second text'], dimensions: 16 })
      .withResponse();
    expect(data.data).toHaveLength(2);
    expect(data.data[0]?.embedding).toHaveLength(16);
    expect(data.usage.prompt_tokens).toBeGreaterThan(0);
    expect(t.sim.requests.at(-1)).toMatchObject({
      path: '/v2/embed',
      body: { texts: ['first text', 'second text'], input_type: 'search_document', output_dimension: 16 },
    });
    const cost = Number(response.headers.get('x-switchyard-cost'));
    expect(cost).toBeGreaterThan(0);
    expect(await charged(response.headers.get('x-request-id')!)).toBeCloseTo(cost, 9);
  });

  it('GigaChat needs a key: without X-GigaChat-Auth-Key its models are not available', async () => {
    const refused = await t.client.chat.completions
      .create({ model: 'gigachat/GigaChat-2', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(404);
  });

  it('GigaChat with X-GigaChat-Auth-Key: one token exchange for several calls, plain and streamed', async () => {
    const before = tokenExchanges();
    const { data, response } = await giga.chat.completions
      .create({ model: 'gigachat/GigaChat-2-Pro', messages: [{ role: 'user', content: 'привет' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: привет');
    const stream = await giga.chat.completions.create({
      model: 'gigachat/GigaChat-2',
      messages: [{ role: 'user', content: 'stream from gigachat' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: stream from gigachat');
    const tool = await giga.chat.completions.create({
      model: 'gigachat/GigaChat-2-Max',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [WEATHER],
    });
    const call = tool.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(tokenExchanges() - before).toBe(1);
    const chats = t.sim.requests.filter((r) => r.path === '/api/v1/chat/completions');
    expect(chats.slice(-3).map((r) => r.apiKey)).toEqual([AUTH_KEY, AUTH_KEY, AUTH_KEY]);
    expect(chats.at(-1)?.headers.authorization).toMatch(/^Bearer sim-gigachat-/);
    const cost = (data.usage as unknown as { cost: string }).cost;
    expect(Number(cost)).toBeGreaterThan(0);
    expect(await charged(response.headers.get('x-request-id')!)).toBeCloseTo(Number(cost), 9);
  });

  it('GigaChat after the token expires (a 401): exchanged once more, the call still answers', async () => {
    await giga.chat.completions.create({
      model: 'gigachat/GigaChat-2',
      messages: [{ role: 'user', content: 'warm' }],
    });
    const before = tokenExchanges();
    t.sim.revokeGigaChatTokens();
    const after = await giga.chat.completions.create({
      model: 'gigachat/GigaChat-2',
      messages: [{ role: 'user', content: 'after expiry' }],
    });
    expect(after.choices[0]?.message.content).toBe('echo: after expiry');
    await giga.chat.completions.create({
      model: 'gigachat/GigaChat-2',
      messages: [{ role: 'user', content: 'again' }],
    });
    expect(tokenExchanges() - before).toBe(1);
  });

  it('GigaChat refuses what it has no field for with a 400 naming it', async () => {
    const refused = await giga.chat.completions
      .create({ model: 'gigachat/GigaChat-2', messages: [{ role: 'user', content: 'x' }], stop: ['y'] })
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((refused as InstanceType<typeof OpenAI.APIError>).param).toBe('stop');
  });

  it('every usage record is charged exactly: usage cost totals = ledger charges', async () => {
    await t.gw.app.get(UsageRecorder).flush();
    const usage = await request(t.gw.url)
      .get('/api/v1/usage')
      .query({ group_by: 'provider' })
      .auth(t.member.token, { type: 'bearer' })
      .expect(200);
    const costs = Object.fromEntries(
      (usage.body.data as Array<{ provider: string; cost: string }>).map((g) => [g.provider, Number(g.cost)]),
    );
    expect(costs.cohere).toBeGreaterThan(0);
    expect(costs.gigachat).toBeGreaterThan(0);
    const ledger = await request(t.gw.url)
      .get('/api/v1/credits/ledger')
      .query({ limit: 100 })
      .auth(t.member.token, { type: 'bearer' })
      .expect(200);
    const charges = (ledger.body.data as Array<{ kind: string; amount: string }>)
      .filter((e) => e.kind === 'charge')
      .reduce((sum, e) => sum - Number(e.amount), 0);
    expect(charges).toBeCloseTo(Number(usage.body.totals.cost), 6);
  });
});
