import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startLlmGateway, type LlmGateway } from './support/llm-gateway.js';
import { seedTenant } from './support/session.js';

const simKey = (label: string) => `sk-sim-${label}-${randomBytes(12).toString('hex')}`;

/** Base URLs a tenant could use to aim the gateway (and the key it sends) at internal services. */
const INTERNAL_URLS = [
  'http://169.254.169.254/latest/meta-data/',
  'https://169.254.169.254/latest/meta-data/',
  'https://10.0.0.1/v1',
  'https://172.16.0.1/v1',
  'https://192.168.1.1/v1',
  'https://100.64.0.1/v1',
  'https://127.0.0.2/v1',
  'https://[fd00::1]/v1',
  'https://[fe80::1]/v1',
  'https://[::ffff:169.254.169.254]/v1',
  'https://2852039166/v1',
  'https://0xa9fea9fe/v1',
  'https://0251.0376.0251.0376/v1',
  'https://localhost/v1',
  'http://api.example.com/v1',
  'file:///etc/passwd',
];

describe('the outbound policy on provider key base URLs (SSRF)', () => {
  let t: LlmGateway;
  let other: Awaited<ReturnType<typeof seedTenant>>;
  const keys = (token: string) =>
    request(t.gw.url).get('/api/v1/provider-keys').query({ limit: 200 }).auth(token, { type: 'bearer' });

  beforeAll(async () => {
    t = await startLlmGateway();
    other = await seedTenant(t.gw.url, t.adminToken);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses every internal address, in every spelling, with 400 param base_url, and stores nothing', async () => {
    const before = (await keys(t.adminToken).expect(200)).body.total as number;
    for (const base_url of INTERNAL_URLS) {
      const res = await request(t.gw.url)
        .post('/api/v1/provider-keys')
        .auth(t.adminToken, { type: 'bearer' })
        .send({ provider: 'openai', key: simKey('ssrf'), base_url });
      expect({ base_url, status: res.status }).toEqual({ base_url, status: 400 });
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'base_url' });
      expect(res.body.error.message).not.toMatch(/127\.0\.0\.1|::1\b/);
    }
    expect((await keys(t.adminToken).expect(200)).body.total).toBe(before);
  });

  it('applies the same rule to updates and to imports (per line)', async () => {
    const created = await request(t.gw.url)
      .post('/api/v1/provider-keys')
      .auth(t.adminToken, { type: 'bearer' })
      .send({ provider: 'openai', key: simKey('upd'), base_url: 'https://api.example.invalid/v1' })
      .expect(201);
    const patch = await request(t.gw.url)
      .patch(`/api/v1/provider-keys/${created.body.id}`)
      .auth(t.adminToken, { type: 'bearer' })
      .send({ base_url: 'http://169.254.169.254/' })
      .expect(400);
    expect(patch.body.error.param).toBe('base_url');
    const unchanged = await request(t.gw.url)
      .get(`/api/v1/provider-keys/${created.body.id}`)
      .auth(t.adminToken, { type: 'bearer' })
      .expect(200);
    expect(unchanged.body.base_url).toBe('https://api.example.invalid/v1');

    const imported = await request(t.gw.url)
      .post('/api/v1/provider-keys/import')
      .auth(t.adminToken, { type: 'bearer' })
      .send({
        provider: 'openai',
        keys: [
          { key: simKey('imp1'), base_url: 'https://10.1.2.3/v1' },
          { key: simKey('imp2'), base_url: 'https://api.example.invalid/v1' },
        ],
      })
      .expect(200);
    const statuses = (imported.body.lines as Array<{ status: string; reason?: string }>).map((l) => l.status);
    expect(statuses).toEqual(['rejected', 'added']);
    expect(imported.body.lines[0].reason).toMatch(/outbound policy/);
  });

  it('lets only platform admins set a base URL by default (TENANT_BASE_URLS off)', async () => {
    for (const token of [other.admin.token, other.member.token]) {
      const res = await request(t.gw.url)
        .post('/api/v1/provider-keys')
        .auth(token, { type: 'bearer' })
        .send({ provider: 'openai', key: simKey('tenant'), base_url: 'https://api.example.invalid/v1' })
        .expect(403);
      expect(res.body.error).toMatchObject({ param: 'base_url', code: 'base_url_not_allowed' });
    }
    expect((await keys(other.admin.token).expect(200)).body.total).toBe(0);
  });

  it('refuses at call time a stored URL the policy no longer admits: 502 naming the policy, nothing sent', async () => {
    // A row written before the policy existed (or by hand): the connect-time check still holds.
    const created = await request(t.gw.url)
      .post('/api/v1/provider-keys')
      .auth(t.member.token, { type: 'bearer' })
      .send({ provider: 'mistral', key: simKey('legacy') })
      .expect(201);
    const port = new URL(t.sim.url).port;
    await t.gw.app
      .get(DataSource)
      .query('UPDATE provider_keys SET base_url = $1 WHERE id = $2', [
        `http://127.0.0.2:${port}/v1`,
        created.body.id,
      ]);
    // Any change reloads the owner's keys from the database.
    await request(t.gw.url)
      .patch(`/api/v1/provider-keys/${created.body.id}`)
      .auth(t.member.token, { type: 'bearer' })
      .send({ name: 'legacy' })
      .expect(200);
    t.sim.clearRequests();
    const error = await t.client.chat.completions
      .create({ model: 'mistral/mistral-large-latest', messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      );
    expect(error?.status).toBe(502);
    expect(error?.message).toMatch(/outbound policy/);
    expect(error?.message).not.toContain('127.0.0.2');
    expect(t.sim.requests).toHaveLength(0);
  });
});

describe('the outbound policy with TENANT_BASE_URLS on and an allow-list', () => {
  let t: LlmGateway;
  beforeAll(async () => {
    t = await startLlmGateway({
      env: { TENANT_BASE_URLS: 'true', OUTBOUND_ALLOWLIST: 'http://127.0.0.2:9' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets tenant admins set a public https URL or an allow-listed origin, never an internal one', async () => {
    const add = (token: string, base_url: string) =>
      request(t.gw.url)
        .post('/api/v1/provider-keys')
        .auth(token, { type: 'bearer' })
        .send({ provider: 'openai', key: simKey('t'), base_url });
    await add(t.tenantAdmin.token, 'https://api.example.invalid/v1').expect(201);
    await add(t.tenantAdmin.token, 'http://127.0.0.2:9/v1').expect(201);
    expect((await add(t.tenantAdmin.token, 'http://127.0.0.2:10/v1').expect(400)).body.error.param).toBe(
      'base_url',
    );
    expect((await add(t.tenantAdmin.token, 'https://[::ffff:a9fe:a9fe]/').expect(400)).body.error.param).toBe(
      'base_url',
    );
    // Members never aim keys anywhere.
    await add(t.member.token, 'https://api.example.invalid/v1').expect(403);
  });
});
