import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { UsageRecorder } from '@switchyard/credits';
import { createApiKey, loginAdmin, seedTenant, type SeededUser } from './support/session.js';
import { startTestGateway, TEST_ADMIN, type TestGateway } from './support/test-gateway.js';

/** What the console needs from the management API: the refresh cookie, key edits, usage by hour. */
describe('management API for the console', () => {
  let gw: TestGateway;
  let adminToken: string;
  let admin: SeededUser;
  let member: SeededUser;

  beforeAll(async () => {
    gw = await startTestGateway();
    adminToken = await loginAdmin(gw.url);
    ({ admin, member } = await seedTenant(gw.url, adminToken));
  });
  afterAll(async () => gw?.close());

  function cookiesOf(res: request.Response): string[] {
    const header = res.headers['set-cookie'] as unknown;
    return Array.isArray(header) ? (header as string[]) : [];
  }
  const refreshCookie = (res: request.Response) => cookiesOf(res).find((c) => c.startsWith('sy_refresh='));

  describe('the refresh cookie', () => {
    it('is httpOnly, Secure, SameSite=Strict and scoped to the refresh path; the body has no refresh token', async () => {
      const res = await request(gw.url)
        .post('/api/v1/auth/login')
        .send({ ...TEST_ADMIN, refresh_cookie: true })
        .expect(200);
      expect(res.body.access_token).toEqual(expect.any(String));
      expect(res.body.refresh_token).toBeUndefined();
      const cookie = refreshCookie(res)!;
      expect(cookie).toMatch(/^sy_refresh=syr_/);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('Secure');
      expect(cookie).toContain('SameSite=Strict');
      expect(cookie).toContain('Path=/api/v1/auth/refresh;');
      // The script's hint carries no secret.
      expect(cookiesOf(res).find((c) => c.startsWith('sy_session='))).toMatch(/^sy_session=1;/);
    });

    it('refreshes from the cookie and rotates it; the old one is then refused', async () => {
      const login = await request(gw.url)
        .post('/api/v1/auth/login')
        .send({ ...TEST_ADMIN, refresh_cookie: true });
      const first = refreshCookie(login)!.split(';')[0]!;
      const refreshed = await request(gw.url)
        .post('/api/v1/auth/refresh')
        .set('cookie', first)
        .send({})
        .expect(200);
      expect(refreshed.body.refresh_token).toBeUndefined();
      const second = refreshCookie(refreshed)!.split(';')[0]!;
      expect(second).not.toBe(first);
      await request(gw.url)
        .get('/api/v1/auth/me')
        .auth(refreshed.body.access_token, { type: 'bearer' })
        .expect(200);
      // Reusing a rotated token ends the login (theft); the answer clears the cookie.
      const reused = await request(gw.url)
        .post('/api/v1/auth/refresh')
        .set('cookie', first)
        .send({})
        .expect(401);
      expect(refreshCookie(reused)).toMatch(/^sy_refresh=;/);
      await request(gw.url).post('/api/v1/auth/refresh').set('cookie', second).send({}).expect(401);
    });

    it('without a cookie or a token is a 401 naming refresh_token', async () => {
      const res = await request(gw.url).post('/api/v1/auth/refresh').send({}).expect(401);
      expect(res.body.error).toMatchObject({ code: 'invalid_refresh_token', param: 'refresh_token' });
    });

    it('DELETE /auth/refresh ends the cookie session and clears the cookie', async () => {
      const login = await request(gw.url)
        .post('/api/v1/auth/login')
        .send({ ...TEST_ADMIN, refresh_cookie: true });
      const cookie = refreshCookie(login)!.split(';')[0]!;
      const out = await request(gw.url).delete('/api/v1/auth/refresh').set('cookie', cookie).expect(204);
      expect(refreshCookie(out)).toMatch(/^sy_refresh=;/);
      await request(gw.url).post('/api/v1/auth/refresh').set('cookie', cookie).send({}).expect(401);
    });

    it('leaves the body form as it was (no cookie unless asked)', async () => {
      const res = await request(gw.url).post('/api/v1/auth/login').send(TEST_ADMIN).expect(200);
      expect(res.body.refresh_token).toMatch(/^syr_/);
      expect(refreshCookie(res)).toBeUndefined();
    });
  });

  describe('PATCH /api-keys/{id}', () => {
    it('changes limits at once (the cached key sees them) and null removes one', async () => {
      const key = await createApiKey(gw.url, member.token, { rpm: 100 });
      const patched = await request(gw.url)
        .patch(`/api/v1/api-keys/${key.id}`)
        .auth(member.token, { type: 'bearer' })
        .send({ name: 'renamed', rpm: 1, credit_budget: '2.5', allowed_models: ['simulator/*'] })
        .expect(200);
      expect(patched.body).toMatchObject({
        name: 'renamed',
        rpm: 1,
        credit_budget: '2.5',
        allowed_models: ['simulator/*'],
      });
      const cleared = await request(gw.url)
        .patch(`/api/v1/api-keys/${key.id}`)
        .auth(member.token, { type: 'bearer' })
        .send({ rpm: null, credit_budget: null })
        .expect(200);
      expect(cleared.body).toMatchObject({
        name: 'renamed',
        rpm: null,
        credit_budget: null,
        allowed_models: ['simulator/*'],
      });
    });

    it('names a bad field, and another user key is a 404 for a member', async () => {
      const key = await createApiKey(gw.url, member.token);
      const bad = await request(gw.url)
        .patch(`/api/v1/api-keys/${key.id}`)
        .auth(member.token, { type: 'bearer' })
        .send({ credit_budget: '1.1234567' })
        .expect(400);
      expect(bad.body.error.param).toBe('credit_budget');
      const others = await createApiKey(gw.url, admin.token);
      await request(gw.url)
        .patch(`/api/v1/api-keys/${others.id}`)
        .auth(member.token, { type: 'bearer' })
        .send({ rpm: 5 })
        .expect(404);
    });
  });

  it('GET /usage groups by hour and reports latency percentiles and time to first token', async () => {
    const recorder = gw.app.get(UsageRecorder);
    const base = {
      tenantId: member.tenantId,
      userId: member.id,
      endpoint: 'chat.completions',
      provider: 'simulator',
      model: 'sim-gpt',
      inputTokens: 1,
      outputTokens: 1,
      cost: 1n,
      status: 'ok' as const,
    };
    [100, 200, 300, 400].forEach((latencyMs, i) =>
      recorder.record({
        ...base,
        requestId: `h${i}`,
        latencyMs,
        ttftMs: 50,
        at: new Date(`2031-05-01T10:0${i}:00Z`),
      }),
    );
    recorder.record({ ...base, requestId: 'h9', latencyMs: 1000, at: new Date('2031-05-01T12:30:00Z') });
    await recorder.flush();
    const res = await request(gw.url)
      .get('/api/v1/usage?from=2031-05-01T00:00:00Z&to=2031-05-02T00:00:00Z&group_by=hour')
      .auth(member.token, { type: 'bearer' })
      .expect(200);
    expect(res.body.data).toEqual([
      expect.objectContaining({
        hour: '2031-05-01T10:00:00Z',
        requests: 4,
        // Percentiles are over latency steps (decision 0019): 200 and 300 ms are 200 and 304.
        p50_latency_ms: 252,
        avg_ttft_ms: 50,
      }),
      expect.objectContaining({
        hour: '2031-05-01T12:00:00Z',
        requests: 1,
        p95_latency_ms: 992,
        avg_ttft_ms: null,
      }),
    ]);
    expect(res.body.totals).toMatchObject({ requests: 5, p50_latency_ms: 304 });
  });

  it('GET /usage/errors lists the latest failed calls: a member their own, an admin the tenant', async () => {
    const recorder = gw.app.get(UsageRecorder);
    const base = {
      tenantId: member.tenantId,
      endpoint: 'chat.completions',
      provider: 'simulator',
      model: 'sim-gpt',
      inputTokens: 0,
      outputTokens: 0,
      cost: 0n,
      latencyMs: 30,
    };
    const now = Date.now();
    recorder.record({
      ...base,
      userId: member.id,
      requestId: 'e-member',
      status: 'error',
      errorClass: 'rate_limit',
      at: new Date(now - 2000),
    });
    recorder.record({
      ...base,
      userId: member.id,
      requestId: 'ok-member',
      status: 'ok',
      at: new Date(now - 1000),
    });
    recorder.record({
      ...base,
      userId: admin.id,
      requestId: 'e-admin',
      status: 'aborted',
      at: new Date(now - 500),
    });
    await recorder.flush();
    const mine = await request(gw.url)
      .get('/api/v1/usage/errors')
      .auth(member.token, { type: 'bearer' })
      .expect(200);
    expect(mine.body.data.map((e: { request_id: string }) => e.request_id)).toEqual(['e-member']);
    expect(mine.body.data[0]).toMatchObject({ status: 'error', error_class: 'rate_limit', model: 'sim-gpt' });
    const tenant = await request(gw.url)
      .get('/api/v1/usage/errors?limit=5')
      .auth(admin.token, { type: 'bearer' })
      .expect(200);
    expect(tenant.body.data.map((e: { request_id: string }) => e.request_id)).toEqual([
      'e-admin',
      'e-member',
    ]);
  });
});
