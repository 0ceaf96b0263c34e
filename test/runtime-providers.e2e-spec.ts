import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityLogService } from '@switchyard/activity-log';
import { formatCredits } from '@switchyard/core';
import OpenAI from 'openai';
import request from 'supertest';
import { startSimulator, type Simulator } from '../apps/simulator/src/index.js';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { createApiKey, seedTenant, type SeededUser } from './support/session.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** What an operator running an upstream on the gateway's own host allow-lists. */
const ENV = {
  REDIS_URL,
  OUTBOUND_ALLOWLIST: '127.0.0.1',
  TENANT_BASE_URLS: 'true',
  // Both instances open the vault's keys.
  VAULT_MASTER_KEY: randomBytes(32).toString('base64'),
};

const bearer = { type: 'bearer' } as const;
const uniqueId = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

type ApiError = InstanceType<typeof OpenAI.APIError>;

/** A model of a runtime provider, priced in credits per million tokens. */
function model(id: string, input = '2', output = '4', extra: Record<string, unknown> = {}) {
  return { id, pricing: { inputPerMTok: input, outputPerMTok: output }, ...extra };
}

/** The charge for a call at these per-million prices: price × tokens micro-credits, exactly. */
function costOf(usage: { prompt_tokens: number; completion_tokens: number }, input: number, output: number) {
  return formatCredits(BigInt(usage.prompt_tokens * input + usage.completion_tokens * output));
}

/** Retries `attempt` until it passes or `ms` run out; returns how long it took. */
async function within(ms: number, attempt: () => Promise<void>): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await attempt();
      return Date.now() - started;
    } catch (err) {
      if (Date.now() - started > ms) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Providers registered over the API, on two instances sharing one Postgres database and one
 * Redis. The registered upstream is a second simulator the operator did not configure: only the
 * allow-list (127.0.0.1) admits it, as it would admit an Ollama box on the LAN.
 */
describe('providers registered at run time', () => {
  let t: LlmGateway;
  let b: TestGateway;
  let upstream: Simulator;
  /** Another tenant: its admin, its member and the member's SDK client. */
  let other: { admin: SeededUser; member: SeededUser; client: OpenAI };
  /** The first tenant's member, as an SDK client of instance B. */
  let clientOnB: OpenAI;

  beforeAll(async () => {
    upstream = await startSimulator({ port: 0, host: '127.0.0.1' });
    t = await startLlmGateway({ env: ENV });
    b = await startTestGateway({
      databaseUrl: t.gw.databaseUrl,
      env: { ...ENV, SIMULATOR_URL: t.sim.url, UPSTREAM_RETRY_BASE_MS: '5' },
    });
    const seeded = await seedTenant(t.gw.url, t.adminToken);
    const { key } = await createApiKey(t.gw.url, seeded.member.token);
    other = { admin: seeded.admin, member: seeded.member, client: t.clientWith(key) };
    clientOnB = new OpenAI({ baseURL: `${b.url}/v1`, apiKey: t.key, maxRetries: 0, timeout: 20_000 });
  }, 60_000);
  afterAll(async () => {
    await b?.app.close();
    await t?.close();
    await upstream?.close();
  });

  const api = (token: string, gw: { url: string } = t.gw) => ({
    post: (path: string, body: unknown) =>
      request(gw.url)
        .post(`/api/v1${path}`)
        .auth(token, bearer)
        .send(body as object),
    patch: (path: string, body: unknown) =>
      request(gw.url)
        .patch(`/api/v1${path}`)
        .auth(token, bearer)
        .send(body as object),
    get: (path: string) => request(gw.url).get(`/api/v1${path}`).auth(token, bearer),
    delete: (path: string) => request(gw.url).delete(`/api/v1${path}`).auth(token, bearer),
  });

  async function register(token: string, body: Record<string, unknown>) {
    const res = await api(token).post('/providers', {
      format: 'openai',
      base_url: `${upstream.url}/v1`,
      ...body,
    });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Record<string, unknown>;
  }

  it("a platform admin's provider serves every tenant through the SDK, plain and streaming, at its prices", async () => {
    const id = uniqueId('lab');
    const view = await register(t.adminToken, {
      id,
      name: 'Lab box',
      key_required: false,
      default_headers: { 'X-Lab': 'on', 'X-Lab-Token': 'lab-token-0123456789wxyz' },
      models: [model('sim-gpt', '2', '4', { aliases: ['lab-fast'], context_window: 32000 })],
    });
    expect(view).toMatchObject({
      id,
      scope: 'platform',
      tenant_id: null,
      format: 'openai',
      wire_format: 'openai',
      base_url: `${upstream.url}/v1`,
      key_required: false,
      default_headers: { 'X-Lab': 'on', 'X-Lab-Token': '…wxyz' },
      models: [
        {
          id: `${id}/sim-gpt`,
          model: 'sim-gpt',
          aliases: ['lab-fast'],
          capabilities: ['chat', 'streaming'],
          context_window: 32000,
          max_output_tokens: 4096,
          pricing: { inputPerMTok: '2', outputPerMTok: '4' },
        },
      ],
    });
    expect(JSON.stringify(view)).not.toContain('lab-token-0123456789');

    upstream.clearRequests();
    const { data, response } = await t.client.chat.completions
      .create({ model: `${id}/sim-gpt`, messages: [{ role: 'user', content: 'hello runtime' }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('echo: hello runtime');
    expect(response.headers.get('x-switchyard-provider')).toBe(id);
    const cost = costOf(data.usage!, 2, 4);
    expect((data.usage as unknown as { cost: string }).cost).toBe(cost);
    expect(response.headers.get('x-switchyard-cost')).toBe(cost);
    const sent = upstream.requests.at(-1)!;
    expect(sent).toMatchObject({ path: '/v1/chat/completions', model: 'sim-gpt' });
    expect(sent.headers['x-lab']).toBe('on');
    expect(sent.headers['x-lab-token']).toBe('lab-token-0123456789wxyz');

    // Streaming, by its alias, for a member of another tenant: a platform provider serves everybody.
    const stream = await other.client.chat.completions.create({
      model: `${id}/lab-fast`,
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: { prompt_tokens: number; completion_tokens: number; cost?: string } | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('echo: one two three');
    expect(usage!.cost).toBe(costOf(usage!, 2, 4));

    const listed = await t.client.models.list();
    expect(listed.data.map((m) => m.id)).toContain(`${id}/sim-gpt`);
    const catalog = await api(t.member.token).get(`/models/${id}`).expect(200);
    expect(catalog.body).toMatchObject({
      id,
      available: true,
      models: [{ model: 'sim-gpt', available: true }],
    });
  });

  it("keeps a tenant's provider to that tenant: 404 for the other's admin, model_not_found for its callers", async () => {
    const id = uniqueId('acme');
    const view = await register(t.tenantAdmin.token, {
      id,
      models: [model('sim-gpt')],
      format: 'ollama',
      base_url: upstream.url,
    });
    // Ollama: the OpenAI-compatible API under /v1, no key by default.
    expect(view).toMatchObject({
      scope: 'tenant',
      tenant_id: t.tenantAdmin.tenantId,
      format: 'ollama',
      wire_format: 'openai',
      base_url: `${upstream.url}/v1`,
      key_required: false,
    });
    const own = await t.client.chat.completions.create({
      model: `${id}/sim-gpt`,
      messages: [{ role: 'user', content: 'mine' }],
    });
    expect(own.choices[0]!.message.content).toBe('echo: mine');

    const stranger = api(other.admin.token);
    for (const res of [
      await stranger.get(`/providers/${id}`),
      await stranger.patch(`/providers/${id}`, { name: 'taken over' }),
      await stranger.delete(`/providers/${id}`),
      await stranger.post(`/providers/${id}/discover`, {}),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'provider_not_found' });
    }
    const listed = await stranger.get('/providers?limit=200').expect(200);
    expect(listed.body.data.map((p: { id: string }) => p.id)).not.toContain(id);
    // The id is taken (ids are global), and the answer says nothing about whose it is.
    const clash = await stranger.post('/providers', {
      id,
      format: 'openai',
      base_url: `${upstream.url}/v1`,
      models: [],
    });
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatchObject({ code: 'provider_exists', param: 'id' });
    expect(clash.body.error.message).not.toContain(t.tenantAdmin.tenantId);

    const err = (await other.client.chat.completions
      .create({ model: `${id}/sim-gpt`, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(404);
    expect(err.code).toBe('model_not_found');
    expect((await other.client.models.list()).data.map((m) => m.id)).not.toContain(`${id}/sim-gpt`);
    await api(other.member.token).get(`/models/${id}`).expect(404);
    const otherCatalog = await api(other.member.token).get('/models').expect(200);
    expect(otherCatalog.body.map((p: { id: string }) => p.id)).not.toContain(id);

    // Members read what they can use, without where it lives, and cannot write.
    const mine = await api(t.member.token).get(`/providers/${id}`).expect(200);
    expect(mine.body).toMatchObject({ id, base_url: null, default_headers: null, available: true });
    const refused = await api(t.member.token).patch(`/providers/${id}`, { name: 'x' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.type).toBe('permission_error');
    // A tenant admin reads the platform's providers but does not change them.
    const platform = await register(t.adminToken, { id: uniqueId('plat'), models: [model('sim-gpt')] });
    await api(t.tenantAdmin.token)
      .get(`/providers/${platform.id as string}`)
      .expect(200);
    await api(t.tenantAdmin.token)
      .delete(`/providers/${platform.id as string}`)
      .expect(403);
  });

  it("takes vault keys for a tenant's provider from that tenant only", async () => {
    const id = uniqueId('keyed');
    await register(t.tenantAdmin.token, { id, key_required: true, models: [model('sim-gpt')] });
    // Needs a key: not usable until the tenant adds one.
    const before = (await t.client.chat.completions
      .create({ model: `${id}/sim-gpt`, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as ApiError;
    expect(before.status).toBe(404);

    const secret = `sk-acme-${randomBytes(12).toString('hex')}`;
    await api(t.tenantAdmin.token).post('/provider-keys', { provider: id, key: secret }).expect(201);
    for (const [token, body] of [
      [other.admin.token, { provider: id, key: `sk-other-${randomBytes(12).toString('hex')}` }],
      [t.adminToken, { provider: id, key: `sk-plat-${randomBytes(12).toString('hex')}`, owner: 'platform' }],
    ] as const) {
      const res = await api(token).post('/provider-keys', body).expect(400);
      expect(res.body.error).toMatchObject({ param: 'provider', code: 'unknown_provider' });
    }
    upstream.clearRequests();
    await t.client.chat.completions.create({
      model: `${id}/sim-gpt`,
      messages: [{ role: 'user', content: 'k' }],
    });
    expect(upstream.requests.at(-1)!.apiKey).toBe(secret);
  });

  it('refuses base URLs the outbound policy refuses (400, param base_url), and bad input by name', async () => {
    const admin = api(t.adminToken);
    for (const base_url of [
      'http://169.254.169.254/latest/meta-data',
      'https://169.254.169.254/v1',
      'http://10.1.2.3:11434',
      'https://192.168.1.20/v1',
      'http://[::1]:8000/v1',
    ]) {
      const res = await admin.post('/providers', {
        id: uniqueId('bad'),
        format: 'openai',
        base_url,
        models: [],
      });
      expect({ base_url, status: res.status }).toEqual({ base_url, status: 400 });
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'base_url' });
    }
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ base_url: 'ftp://example.com' }, 400, 'base_url'],
      [{ id: 'Not A Slug' }, 400, 'id'],
      [{ id: 'simulator-2' }, 400, 'id'],
      [{ id: 'openai' }, 409, 'id'],
      [{ format: 'cobol' }, 400, 'format'],
      [
        { models: [{ id: 'm', pricing: { inputPerMTok: '0.1234567', outputPerMTok: '1' } }] },
        400,
        'models.0.pricing.inputPerMTok',
      ],
      [{ models: [{ id: 'm' }] }, 400, 'models.0.pricing'],
      [{ models: [model('m', '1', '1', { capabilities: ['vision'] })] }, 400, 'models[0].capabilities'],
      [{ models: [model('m'), model('n', '1', '1', { aliases: ['m'] })] }, 400, 'models[1].aliases[0]'],
      [{ default_headers: { Host: 'evil.example.com' } }, 400, 'default_headers.Host'],
      [{ tenant_id: '00000000-0000-4000-8000-000000000000' }, 404, 'tenant_id'],
    ];
    for (const [over, status, param] of cases) {
      const res = await admin.post('/providers', {
        id: uniqueId('case'),
        format: 'openai',
        base_url: `${upstream.url}/v1`,
        models: [],
        ...over,
      });
      expect({ over, status: res.status, param: res.body.error?.param }).toEqual({ over, status, param });
    }
  });

  it("discovers the upstream's models without adding them; a failure is a 502 naming it", async () => {
    const id = uniqueId('disc');
    await register(t.adminToken, { id, models: [model('sim-gpt')], key_required: false });
    const res = await api(t.adminToken).post(`/providers/${id}/discover`, {}).expect(200);
    expect(res.body).toMatchObject({ provider: id, url: `${upstream.url}/v1/models`, authenticated: false });
    const ids = res.body.models.map((m: { id: string }) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['sim-gpt', 'sim-gpt-mini', 'sim-embed', 'sim-claude']));
    expect(res.body.models.find((m: { id: string }) => m.id === 'sim-gpt').registered).toBe(true);
    expect(res.body.models.find((m: { id: string }) => m.id === 'sim-gpt-mini').registered).toBe(false);
    const after = await api(t.adminToken).get(`/providers/${id}`).expect(200);
    expect(after.body.models).toHaveLength(1);

    // Nothing listens there: the connection is what failed, and the answer says so.
    const dead = uniqueId('dead');
    await register(t.adminToken, {
      id: dead,
      base_url: `http://127.0.0.1:${await freePort()}/v1`,
      models: [],
    });
    const failed = await api(t.adminToken).post(`/providers/${dead}/discover`, {}).expect(502);
    expect(failed.body.error).toMatchObject({
      type: 'upstream_error',
      code: 'discovery_failed',
      reason: 'network',
    });
    expect(failed.body.error.message).toMatch(/could not connect/);
    // An Ollama registration asks /api/tags (the simulator has none).
    const ollama = uniqueId('oll');
    await register(t.adminToken, { id: ollama, format: 'ollama', base_url: upstream.url, models: [] });
    const tags = await api(t.adminToken).post(`/providers/${ollama}/discover`, {}).expect(502);
    expect(tags.body.error.message).toContain(`GET ${upstream.url}/api/tags answered 404`);
    // Members may not ask.
    await api(t.member.token).post(`/providers/${id}/discover`, {}).expect(403);
  });

  it('serves a provider added on instance A from instance B within a second', async () => {
    const id = uniqueId('spread');
    await register(t.adminToken, { id, models: [model('sim-gpt')], key_required: false });
    const took = await within(1000, async () => {
      const res = await clientOnB.chat.completions.create({
        model: `${id}/sim-gpt`,
        messages: [{ role: 'user', content: 'from b' }],
      });
      expect(res.choices[0]!.message.content).toBe('echo: from b');
    });
    expect(took).toBeLessThan(1000);
    await api(t.member.token, b).get(`/providers/${id}`).expect(200);
  });

  it('applies PATCH and DELETE on both instances', async () => {
    const id = uniqueId('change');
    await register(t.adminToken, { id, models: [model('sim-gpt', '2', '4')], key_required: false });
    await within(1000, async () => {
      await clientOnB.chat.completions.create({
        model: `${id}/sim-gpt`,
        messages: [{ role: 'user', content: 'a' }],
      });
    });

    const patched = await api(t.adminToken)
      .patch(`/providers/${id}`, {
        name: 'Changed',
        default_headers: { 'X-Changed': 'yes' },
        models: [model('sim-gpt', '10', '20'), model('sim-gpt-mini', '1', '1')],
      })
      .expect(200);
    expect(patched.body).toMatchObject({ name: 'Changed', default_headers: { 'X-Changed': 'yes' } });
    for (const client of [t.client, clientOnB]) {
      await within(1000, async () => {
        upstream.clearRequests();
        const res = await client.chat.completions.create({
          model: `${id}/sim-gpt`,
          messages: [{ role: 'user', content: 'new price' }],
        });
        expect((res.usage as unknown as { cost: string }).cost).toBe(costOf(res.usage!, 10, 20));
        expect(upstream.requests.at(-1)!.headers['x-changed']).toBe('yes');
        const mini = await client.chat.completions.create({
          model: `${id}/sim-gpt-mini`,
          messages: [{ role: 'user', content: 'mini' }],
        });
        expect(mini.choices[0]!.message.content).toBe('echo: mini');
      });
    }

    await api(t.adminToken).delete(`/providers/${id}`).expect(204);
    for (const [client, gw] of [
      [t.client, t.gw],
      [clientOnB, b],
    ] as const) {
      await within(1000, async () => {
        const err = (await client.chat.completions
          .create({ model: `${id}/sim-gpt`, messages: [{ role: 'user', content: 'gone' }] })
          .catch((e: unknown) => e)) as ApiError;
        expect(err.status).toBe(404);
        expect(err.code).toBe('model_not_found');
      });
      await api(t.adminToken, gw).get(`/providers/${id}`).expect(404);
    }
  });

  it.each([
    ['anthropic', '/v1', 'sim-claude', '/v1/messages'],
    ['gemini', '', 'sim-gemini', '/v1beta/models/sim-gemini:generateContent'],
  ] as const)(
    'serves the %s wire format too, with its default headers',
    async (format, suffix, name, path) => {
      const id = uniqueId(format);
      const view = await register(t.adminToken, {
        id,
        format,
        base_url: `${upstream.url}${suffix}`,
        key_required: false,
        default_headers: { 'X-Lab': format },
        models: [model(name)],
      });
      // Anthropic's base URL loses its /v1 (the SDK adds it); Gemini's is kept as given.
      expect(view.base_url).toBe(upstream.url);
      upstream.clearRequests();
      const res = await t.client.chat.completions.create({
        model: `${id}/${name}`,
        messages: [{ role: 'user', content: `hi ${format}` }],
      });
      expect(res.choices[0]!.message.content).toBe(`echo: hi ${format}`);
      expect(upstream.requests.at(-1)).toMatchObject({ path, headers: { 'x-lab': format } });
    },
  );

  it('documents the endpoints in the OpenAPI document', async () => {
    const doc = await request(t.gw.url).get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/providers',
        '/api/v1/providers/{id}',
        '/api/v1/providers/{id}/discover',
      ]),
    );
    expect(doc.body.components.schemas.CreateRuntimeProviderDto.required).toEqual(
      expect.arrayContaining(['id', 'format', 'base_url', 'models']),
    );
  });

  it('logs who registered, changed and removed a provider', async () => {
    const id = uniqueId('logged');
    await register(t.tenantAdmin.token, { id, models: [model('sim-gpt')] });
    await api(t.tenantAdmin.token).patch(`/providers/${id}`, { timeout_ms: 60_000 }).expect(200);
    await api(t.tenantAdmin.token).delete(`/providers/${id}`).expect(204);
    await t.gw.app.get(ActivityLogService).flush();
    const log = await api(t.tenantAdmin.token).get(`/activity-logs?provider=${id}&limit=50`).expect(200);
    const entries = log.body.data as Array<{ action: string; description: string }>;
    expect(entries.map((e) => e.action).sort()).toEqual([
      'PROVIDER_CREATED',
      'PROVIDER_DELETED',
      'PROVIDER_UPDATED',
    ]);
    expect(entries.find((e) => e.action === 'PROVIDER_UPDATED')!.description).toContain('timeout_ms');
  });
});

describe('providers at run time without Redis or TENANT_BASE_URLS', () => {
  let t: LlmGateway;
  let upstream: Simulator;
  beforeAll(async () => {
    upstream = await startSimulator({ port: 0, host: '127.0.0.1' });
    t = await startLlmGateway({ env: { OUTBOUND_ALLOWLIST: '127.0.0.1' } });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await upstream?.close();
  });

  it('applies a change on the one instance before answering, and keeps tenant admins out by default', async () => {
    const id = uniqueId('solo');
    await request(t.gw.url)
      .post('/api/v1/providers')
      .auth(t.adminToken, bearer)
      .send({
        id,
        format: 'openai',
        base_url: `${upstream.url}/v1`,
        key_required: false,
        models: [model('sim-gpt')],
      })
      .expect(201);
    const res = await t.client.chat.completions.create({
      model: `${id}/sim-gpt`,
      messages: [{ role: 'user', content: 'now' }],
    });
    expect(res.choices[0]!.message.content).toBe('echo: now');
    await request(t.gw.url).delete(`/api/v1/providers/${id}`).auth(t.adminToken, bearer).expect(204);
    const err = (await t.client.chat.completions
      .create({ model: `${id}/sim-gpt`, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(404);

    const refused = await request(t.gw.url)
      .post('/api/v1/providers')
      .auth(t.tenantAdmin.token, bearer)
      .send({ id: uniqueId('tenant'), format: 'openai', base_url: `${upstream.url}/v1`, models: [] })
      .expect(403);
    expect(refused.body.error).toMatchObject({ code: 'base_url_not_allowed', param: 'base_url' });
  });
});
