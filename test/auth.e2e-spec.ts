import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import {
  createApiKey,
  login,
  loginAdmin,
  seedTenant,
  seedUser,
  unique,
  type SeededUser,
} from './support/session.js';
import { startTestGateway, TEST_ADMIN, TEST_JWT_SECRET, type TestGateway } from './support/test-gateway.js';

describe('auth (real Postgres)', () => {
  let gw: TestGateway;
  let adminToken: string;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { LOGIN_MAX_FAILURES: '5' } });
    adminToken = await loginAdmin(gw.url);
  });
  afterAll(async () => {
    await gw?.close();
  });

  describe('login, refresh, rotation and reuse detection', () => {
    it('refuses a wrong password and an unknown email alike', async () => {
      for (const email of [TEST_ADMIN.email, 'nobody@example.com']) {
        const res = await request(gw.url)
          .post('/api/v1/auth/login')
          .send({ email, password: 'wrong-password' })
          .expect(401);
        expect(res.body.error).toEqual({
          message: 'Incorrect email or password.',
          type: 'authentication_error',
          code: 'invalid_credentials',
          param: null,
        });
      }
    });

    it('rotates refresh tokens, and reusing a rotated one revokes the whole family', async () => {
      const first = await login(gw.url, TEST_ADMIN.email, TEST_ADMIN.password);
      const second = (
        await request(gw.url)
          .post('/api/v1/auth/refresh')
          .send({ refresh_token: first.refresh_token })
          .expect(200)
      ).body;
      expect(second.refresh_token).not.toBe(first.refresh_token);
      await request(gw.url).get('/api/v1/auth/me').auth(second.access_token, { type: 'bearer' }).expect(200);

      const reuse = await request(gw.url)
        .post('/api/v1/auth/refresh')
        .send({ refresh_token: first.refresh_token })
        .expect(401);
      expect(reuse.body.error.code).toBe('refresh_token_reused');
      // The legitimate successor is gone too: the family is revoked.
      await request(gw.url)
        .post('/api/v1/auth/refresh')
        .send({ refresh_token: second.refresh_token })
        .expect(401);
    });

    it('logout ends that login', async () => {
      const tokens = await login(gw.url, TEST_ADMIN.email, TEST_ADMIN.password);
      await request(gw.url)
        .post('/api/v1/auth/logout')
        .auth(tokens.access_token, { type: 'bearer' })
        .send({ refresh_token: tokens.refresh_token })
        .expect(204);
      await request(gw.url)
        .post('/api/v1/auth/refresh')
        .send({ refresh_token: tokens.refresh_token })
        .expect(401);
    });

    it('takes the OAuth2 password form exactly as Swagger UI posts it', async () => {
      const res = await request(gw.url)
        .post('/api/v1/auth/token')
        .type('form')
        .send({
          grant_type: 'password',
          username: TEST_ADMIN.email,
          password: TEST_ADMIN.password,
          scope: '',
        })
        .expect(200);
      expect(res.body).toMatchObject({ token_type: 'bearer', expires_in: 900 });
      await request(gw.url)
        .get('/api/v1/auth/me')
        .auth(res.body.access_token, { type: 'bearer' })
        .expect(200);
      const refreshed = await request(gw.url)
        .post('/api/v1/auth/token')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token })
        .expect(200);
      expect(refreshed.body.access_token).toBeDefined();
    });

    it('documents the OAuth2 password flow so Swagger UI shows the Authorize dialog', async () => {
      const doc = (await request(gw.url).get('/docs-json').expect(200)).body;
      expect(doc.components.securitySchemes.oauth2.flows.password.tokenUrl).toBe('/api/v1/auth/token');
      expect(doc.security).toEqual(expect.arrayContaining([{ oauth2: [] }]));
    });
  });

  describe('forged and expired access tokens', () => {
    const base = { issuer: 'switchyard', audience: 'switchyard', expiresIn: 60 } as const;
    let claims: { sub: string; tid: string; role: string; ver: number; typ: string };
    beforeAll(async () => {
      const { sub, tid, role, ver, typ } = jwt.decode(await loginAdmin(gw.url)) as typeof claims;
      claims = { sub, tid, role, ver, typ };
    });
    const sign = (options: jwt.SignOptions, secret: string = TEST_JWT_SECRET, payload: object = claims) =>
      jwt.sign(payload, secret, { algorithm: 'HS256', ...base, ...options });

    it('accepts a correctly signed token for a real user (each forgery below differs in one way)', async () => {
      await request(gw.url).get('/api/v1/auth/me').auth(sign({}), { type: 'bearer' }).expect(200);
    });

    it.each<[string, () => string]>([
      ['alg none', () => jwt.sign(claims, '', { algorithm: 'none', ...base })],
      ['a bad signature', () => sign({}, 'another-secret-another-secret-another-secret')],
      ['a wrong issuer', () => sign({ issuer: 'evil' })],
      ['a wrong audience', () => sign({ audience: 'other' })],
      ['an expired token', () => sign({ expiresIn: -10 })],
      ['another algorithm (HS512)', () => sign({ algorithm: 'HS512' })],
      ['a stale session version', () => sign({}, TEST_JWT_SECRET, { ...claims, ver: claims.ver + 1 })],
      [
        'a tampered payload',
        () => {
          const [h, , sig] = sign({}).split('.');
          const body = Buffer.from(
            JSON.stringify({ ...claims, role: 'platform_admin', sub: randomUUID() }),
          ).toString('base64url');
          return `${h}.${body}.${sig}`;
        },
      ],
    ])('refuses %s with 401', async (_name, make) => {
      const res = await request(gw.url).get('/api/v1/auth/me').auth(make(), { type: 'bearer' }).expect(401);
      expect(res.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_token' });
    });
  });

  describe('sessions end when the password changes or the user is disabled', () => {
    let tenant: Awaited<ReturnType<typeof seedTenant>>;
    beforeAll(async () => {
      tenant = await seedTenant(gw.url, adminToken);
    });

    it('a password change revokes every access and refresh token', async () => {
      const user = await seedUser(gw.url, tenant.admin.token, tenant.tenantId, 'member');
      const other = await login(gw.url, user.email, user.password);
      await request(gw.url)
        .post('/api/v1/auth/password')
        .auth(user.token, { type: 'bearer' })
        .send({ current_password: user.password, new_password: 'a-brand-new-password' })
        .expect(204);
      await request(gw.url).get('/api/v1/auth/me').auth(user.token, { type: 'bearer' }).expect(401);
      await request(gw.url).get('/api/v1/auth/me').auth(other.access_token, { type: 'bearer' }).expect(401);
      await request(gw.url)
        .post('/api/v1/auth/refresh')
        .send({ refresh_token: other.refresh_token })
        .expect(401);
      await login(gw.url, user.email, 'a-brand-new-password');
    });

    it('refuses a wrong current password, and a weak or unchanged new one, at the field; the session stays', async () => {
      const user = await seedUser(gw.url, tenant.admin.token, tenant.tenantId, 'member');
      const change = (body: object) =>
        request(gw.url).post('/api/v1/auth/password').auth(user.token, { type: 'bearer' }).send(body);
      const wrong = await change({
        current_password: 'not-the-password',
        new_password: 'a-brand-new-password',
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toMatchObject({ param: 'current_password', code: 'invalid_password' });
      const weak = await change({ current_password: user.password, new_password: 'short' });
      expect(weak.status).toBe(400);
      expect(weak.body.error.param).toBe('new_password');
      const same = await change({ current_password: user.password, new_password: user.password });
      expect(same.status).toBe(400);
      expect(same.body.error).toMatchObject({ param: 'new_password', code: 'invalid_password' });
      // Nothing changed: the token still works and the old password still signs in.
      await request(gw.url).get('/api/v1/auth/me').auth(user.token, { type: 'bearer' }).expect(200);
      await login(gw.url, user.email, user.password);
    });

    it('disabling a user stops their tokens, their API keys and their logins at once', async () => {
      const user = await seedUser(gw.url, tenant.admin.token, tenant.tenantId, 'member');
      const key = await createApiKey(gw.url, user.token);
      await request(gw.url).get('/api/v1/auth/me').set('x-api-key', key.key).expect(200);
      await request(gw.url)
        .post(`/api/v1/users/${user.id}/disable`)
        .auth(tenant.admin.token, { type: 'bearer' })
        .expect(200);
      await request(gw.url).get('/api/v1/auth/me').auth(user.token, { type: 'bearer' }).expect(401);
      await request(gw.url).get('/api/v1/auth/me').set('x-api-key', key.key).expect(401);
      const res = await request(gw.url)
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(401);
      expect(res.body.error.code).toBe('account_disabled');
      // Enabled again, the key works at once: its refusal while disabled is not remembered.
      await request(gw.url)
        .patch(`/api/v1/users/${user.id}`)
        .auth(tenant.admin.token, { type: 'bearer' })
        .send({ status: 'active' })
        .expect(200);
      await request(gw.url).get('/api/v1/auth/me').set('x-api-key', key.key).expect(200);
    });
  });

  describe('Switchyard API keys', () => {
    let owner: SeededUser;
    beforeAll(async () => {
      owner = (await seedTenant(gw.url, adminToken)).member;
    });

    it('shows the secret once and only masked afterwards', async () => {
      const created = await request(gw.url)
        .post('/api/v1/api-keys')
        .auth(owner.token, { type: 'bearer' })
        .send({ name: 'ci', rpm: 100 })
        .expect(201);
      // sk-sy- + 43 random base62 characters + an 8-character tag (decision 0006).
      expect(created.body.key).toMatch(/^sk-sy-[0-9A-Za-z]{51}$/);
      expect(created.body.masked_key).toBe(`${created.body.key.slice(0, 10)}…${created.body.key.slice(-4)}`);
      const listed = await request(gw.url)
        .get('/api/v1/api-keys')
        .auth(owner.token, { type: 'bearer' })
        .expect(200);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
      expect(listed.body.data.map((k: { id: string }) => k.id)).toContain(created.body.id);
    });

    it('works as Authorization: Bearer and as X-Api-Key, and stops the moment it is revoked', async () => {
      const { id, key } = await createApiKey(gw.url, owner.token);
      const viaBearer = await request(gw.url)
        .get('/api/v1/auth/me')
        .auth(key, { type: 'bearer' })
        .expect(200);
      expect(viaBearer.body.authenticated_by).toBe('api_key');
      await request(gw.url).get('/api/v1/auth/me').set('x-api-key', key).expect(200);
      await request(gw.url)
        .delete(`/api/v1/api-keys/${id}`)
        .auth(owner.token, { type: 'bearer' })
        .expect(200);
      const res = await request(gw.url).get('/api/v1/auth/me').set('x-api-key', key).expect(401);
      expect(res.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
      await request(gw.url).get('/api/v1/auth/me').auth(key, { type: 'bearer' }).expect(401);
    });

    it('reads a cold key from the database once however many calls bring it at the same moment', async () => {
      const { key } = await createApiKey(gw.url, owner.token);
      const { ApiKeyRepository } = await import('../libs/auth/src/repositories/api-key.repository.js');
      const original = ApiKeyRepository.prototype.findForAuth;
      // The real read, held for a moment so that all the calls arrive while it is running.
      const reads = jest.spyOn(ApiKeyRepository.prototype, 'findForAuth').mockImplementation(async function (
        this: InstanceType<typeof ApiKeyRepository>,
        hash: string,
      ) {
        const row = await original.call(this, hash);
        await new Promise((r) => setTimeout(r, 300));
        return row;
      });
      try {
        const calls = await Promise.all(
          Array.from({ length: 12 }, () => request(gw.url).get('/api/v1/auth/me').set('x-api-key', key)),
        );
        expect(calls.map((r) => r.status)).toEqual(Array(12).fill(200));
        expect(reads).toHaveBeenCalledTimes(1);
      } finally {
        reads.mockRestore();
      }
    });

    it('does not keep a key read that its revocation overtook', async () => {
      const { id, key } = await createApiKey(gw.url, owner.token);
      const { ApiKeyRepository } = await import('../libs/auth/src/repositories/api-key.repository.js');
      const original = ApiKeyRepository.prototype.findForAuth;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let rowRead = false;
      // The row is read (still active), then the answer is held until the key has been revoked.
      const reads = jest.spyOn(ApiKeyRepository.prototype, 'findForAuth').mockImplementation(async function (
        this: InstanceType<typeof ApiKeyRepository>,
        hash: string,
      ) {
        const row = await original.call(this, hash);
        rowRead = true;
        await gate;
        return row;
      });
      try {
        const first = request(gw.url)
          .get('/api/v1/auth/me')
          .set('x-api-key', key)
          .then((r) => r);
        for (let i = 0; i < 200 && !rowRead; i++) await new Promise((r) => setTimeout(r, 10));
        expect(rowRead).toBe(true);
        await request(gw.url)
          .delete(`/api/v1/api-keys/${id}`)
          .auth(owner.token, { type: 'bearer' })
          .expect(200);
        release();
        // The call that arrived before the revocation is answered from what it read...
        expect((await first).status).toBe(200);
      } finally {
        release();
        reads.mockRestore();
      }
      // ...but that read is not remembered: the next call is refused at once.
      const after = await request(gw.url).get('/api/v1/auth/me').set('x-api-key', key).expect(401);
      expect(after.body.error.code).toBe('invalid_api_key');
    });

    it('refuses an expired key, a malformed key and a missing key', async () => {
      const { key } = await createApiKey(gw.url, owner.token, {
        expires_at: new Date(Date.now() - 1000).toISOString(),
      });
      await request(gw.url).get('/api/v1/auth/me').set('x-api-key', key).expect(401);
      await request(gw.url).get('/api/v1/auth/me').set('x-api-key', 'sk-sy-not-a-real-key').expect(401);
      const missing = await request(gw.url).get('/api/v1/auth/me').expect(401);
      expect(missing.body.error.code).toBe('missing_api_key');
    });

    it('cannot manage users or keys with an API key (management needs a login)', async () => {
      const { key } = await createApiKey(gw.url, owner.token);
      const res = await request(gw.url)
        .post('/api/v1/api-keys')
        .set('x-api-key', key)
        .send({ name: 'x' })
        .expect(403);
      expect(res.body.error.code).toBe('api_key_not_allowed');
    });

    it('records last use in batches, not per request', async () => {
      const { id, key } = await createApiKey(gw.url, owner.token);
      await request(gw.url).get('/api/v1/auth/me').set('x-api-key', key).expect(200);
      const before = await request(gw.url)
        .get(`/api/v1/api-keys/${id}`)
        .auth(owner.token, { type: 'bearer' })
        .expect(200);
      expect(before.body.last_used_at).toBeNull();
      const { ApiKeysService } = await import('@switchyard/auth');
      await gw.app.get(ApiKeysService).flushLastUsed();
      const after = await request(gw.url)
        .get(`/api/v1/api-keys/${id}`)
        .auth(owner.token, { type: 'bearer' })
        .expect(200);
      expect(after.body.last_used_at).not.toBeNull();
    });

    it('rejects bad input with a 400 naming the field, and creates nothing', async () => {
      const res = await request(gw.url)
        .post('/api/v1/api-keys')
        .auth(owner.token, { type: 'bearer' })
        .send({ name: 'x', rpm: 0 })
        .expect(400);
      expect(res.body.error.param).toBe('rpm');
      const budget = await request(gw.url)
        .post('/api/v1/api-keys')
        .auth(owner.token, { type: 'bearer' })
        .send({ name: 'x', credit_budget: '1.1234567' })
        .expect(400);
      expect(budget.body.error.param).toBe('credit_budget');
      const listed = await request(gw.url)
        .get('/api/v1/api-keys')
        .auth(owner.token, { type: 'bearer' })
        .expect(200);
      expect(listed.body.data.filter((k: { name: string }) => k.name === 'x')).toHaveLength(0);
    });
  });

  describe('roles and tenant isolation', () => {
    let a: Awaited<ReturnType<typeof seedTenant>>;
    let b: Awaited<ReturnType<typeof seedTenant>>;
    let bKey: { id: string };
    let bMemberKey: { id: string };
    beforeAll(async () => {
      a = await seedTenant(gw.url, adminToken);
      b = await seedTenant(gw.url, adminToken);
      bKey = await createApiKey(gw.url, b.admin.token);
      bMemberKey = await createApiKey(gw.url, b.member.token);
    });

    it('gives a member and an admin of tenant A a 404 for every resource of tenant B', async () => {
      for (const token of [a.member.token, a.admin.token]) {
        for (const path of [
          `/api/v1/api-keys/${bKey.id}`,
          `/api/v1/api-keys/${bMemberKey.id}`,
          ...(token === a.admin.token
            ? [`/api/v1/users/${b.member.id}`, `/api/v1/users/${b.admin.id}`, `/api/v1/tenants/${b.tenantId}`]
            : []),
        ]) {
          const res = await request(gw.url).get(path).auth(token, { type: 'bearer' });
          expect({ path, status: res.status }).toEqual({ path, status: 404 });
          expect(res.body.error.type).toBe('invalid_request_error');
        }
        await request(gw.url)
          .delete(`/api/v1/api-keys/${bKey.id}`)
          .auth(token, { type: 'bearer' })
          .expect(404);
      }
      await request(gw.url)
        .patch(`/api/v1/users/${b.member.id}`)
        .auth(a.admin.token, { type: 'bearer' })
        .send({ name: 'x' })
        .expect(404);
      await request(gw.url)
        .post(`/api/v1/users/${b.member.id}/disable`)
        .auth(a.admin.token, { type: 'bearer' })
        .expect(404);
      await request(gw.url)
        .post('/api/v1/users')
        .auth(a.admin.token, { type: 'bearer' })
        .send({ email: `${unique('x')}@e.com`, tenant_id: b.tenantId })
        .expect(404);
      await request(gw.url)
        .post('/api/v1/api-keys')
        .auth(a.admin.token, { type: 'bearer' })
        .send({ name: 'x', user_id: b.member.id })
        .expect(404);
      // B's key still works: nothing above touched it.
      const list = await request(gw.url)
        .get('/api/v1/api-keys')
        .auth(b.admin.token, { type: 'bearer' })
        .expect(200);
      expect(list.body.data.find((k: { id: string }) => k.id === bKey.id).status).toBe('active');
    });

    it('filters the user list by tenant for the platform admin; a tenant admin cannot reach past their own', async () => {
      const all = await request(gw.url)
        .get('/api/v1/users')
        .query({ tenant_id: b.tenantId })
        .auth(adminToken, { type: 'bearer' })
        .expect(200);
      expect(all.body.total).toBe(2);
      expect(all.body.data.every((u: { tenant_id: string }) => u.tenant_id === b.tenantId)).toBe(true);
      const admins = await request(gw.url)
        .get('/api/v1/users')
        .query({ tenant_id: b.tenantId, role: 'tenant_admin' })
        .auth(adminToken, { type: 'bearer' })
        .expect(200);
      expect(admins.body.data.map((u: { id: string }) => u.id)).toEqual([b.admin.id]);
      const bad = await request(gw.url)
        .get('/api/v1/users')
        .query({ tenant_id: 'not-a-uuid' })
        .auth(adminToken, { type: 'bearer' })
        .expect(400);
      expect(bad.body.error.param).toBe('tenant_id');
      const across = await request(gw.url)
        .get('/api/v1/users')
        .query({ tenant_id: b.tenantId })
        .auth(a.admin.token, { type: 'bearer' })
        .expect(200);
      expect(across.body.total).toBe(0);
    });

    it("lists only the caller's own tenant", async () => {
      const users = await request(gw.url)
        .get('/api/v1/users')
        .auth(a.admin.token, { type: 'bearer' })
        .expect(200);
      expect(users.body.data.every((u: { tenant_id: string }) => u.tenant_id === a.tenantId)).toBe(true);
      expect(users.body.total).toBe(2);
      const keys = await request(gw.url)
        .get('/api/v1/api-keys')
        .auth(a.admin.token, { type: 'bearer' })
        .expect(200);
      expect(keys.body.data.every((k: { tenant_id: string }) => k.tenant_id === a.tenantId)).toBe(true);
      const tenants = await request(gw.url)
        .get('/api/v1/tenants')
        .auth(a.admin.token, { type: 'bearer' })
        .expect(200);
      expect(tenants.body.data.map((t: { id: string }) => t.id)).toEqual([a.tenantId]);
    });

    it('lets members manage only their own keys, and not users', async () => {
      const mine = await createApiKey(gw.url, a.member.token);
      const admins = await createApiKey(gw.url, a.admin.token);
      await request(gw.url)
        .get(`/api/v1/api-keys/${mine.id}`)
        .auth(a.member.token, { type: 'bearer' })
        .expect(200);
      await request(gw.url)
        .get(`/api/v1/api-keys/${admins.id}`)
        .auth(a.member.token, { type: 'bearer' })
        .expect(404);
      const listed = await request(gw.url)
        .get('/api/v1/api-keys')
        .auth(a.member.token, { type: 'bearer' })
        .expect(200);
      expect(listed.body.data.map((k: { id: string }) => k.id)).toEqual([mine.id]);
      const res = await request(gw.url)
        .get('/api/v1/users')
        .auth(a.member.token, { type: 'bearer' })
        .expect(403);
      expect(res.body.error.type).toBe('permission_error');
      await request(gw.url)
        .post('/api/v1/tenants')
        .auth(a.admin.token, { type: 'bearer' })
        .send({ name: 'nope' })
        .expect(403);
    });

    it('lets a tenant admin promote a member but never grant platform_admin, nor change themselves', async () => {
      const user = await seedUser(gw.url, a.admin.token, a.tenantId, 'member');
      const up = await request(gw.url)
        .post(`/api/v1/users/${user.id}/role`)
        .auth(a.admin.token, { type: 'bearer' })
        .send({ role: 'tenant_admin' })
        .expect(200);
      expect(up.body.role).toBe('tenant_admin');
      await request(gw.url)
        .post(`/api/v1/users/${user.id}/role`)
        .auth(a.admin.token, { type: 'bearer' })
        .send({ role: 'platform_admin' })
        .expect(403);
      await request(gw.url)
        .patch(`/api/v1/users/${a.admin.id}`)
        .auth(a.admin.token, { type: 'bearer' })
        .send({ role: 'member' })
        .expect(400);
    });

    it('invites a user with a one-time token', async () => {
      const email = `${unique('invitee')}@example.com`;
      const invited = await request(gw.url)
        .post('/api/v1/users')
        .auth(a.admin.token, { type: 'bearer' })
        .send({ email, name: 'Invitee' })
        .expect(201);
      expect(invited.body.status).toBe('invited');
      await request(gw.url)
        .post('/api/v1/auth/login')
        .send({ email, password: 'whatever-password' })
        .expect(401);
      const accepted = await request(gw.url)
        .post('/api/v1/auth/accept-invite')
        .send({ token: invited.body.invite_token, password: 'my-new-password-1' })
        .expect(200);
      await request(gw.url)
        .get('/api/v1/auth/me')
        .auth(accepted.body.access_token, { type: 'bearer' })
        .expect(200);
      await request(gw.url)
        .post('/api/v1/auth/accept-invite')
        .send({ token: invited.body.invite_token, password: 'my-new-password-2' })
        .expect(400);
      await login(gw.url, email, 'my-new-password-1');
    });

    it('refuses a duplicate email with 409', async () => {
      const res = await request(gw.url)
        .post('/api/v1/users')
        .auth(a.admin.token, { type: 'bearer' })
        .send({ email: a.member.email.toUpperCase() })
        .expect(409);
      expect(res.body.error.param).toBe('email');
    });
  });

  describe('rate limits', () => {
    it('limits the credential endpoints per client address', async () => {
      const strict = await startTestGateway({
        databaseUrl: gw.databaseUrl,
        env: { AUTH_RATE_LIMIT_PER_MINUTE: '3' },
      });
      try {
        for (let i = 0; i < 3; i++) {
          await request(strict.url)
            .post('/api/v1/auth/login')
            .send({ email: `${unique('x')}@e.com`, password: 'p' })
            .expect(401);
        }
        const res = await request(strict.url)
          .post('/api/v1/auth/login')
          .send({ email: `${unique('x')}@e.com`, password: 'p' })
          .expect(429);
        expect(res.body.error.code).toBe('too_many_auth_attempts');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      } finally {
        await strict.app.close();
      }
    });

    it('locks an account after 5 failed logins within a minute, even for the right password', async () => {
      const { admin } = await seedTenant(gw.url, adminToken);
      for (let i = 0; i < 5; i++) {
        await request(gw.url)
          .post('/api/v1/auth/login')
          .send({ email: admin.email, password: 'wrong-password!' })
          .expect(401);
      }
      const res = await request(gw.url)
        .post('/api/v1/auth/login')
        .send({ email: admin.email, password: admin.password })
        .expect(429);
      expect(res.body.error).toMatchObject({ type: 'rate_limit_error', code: 'too_many_login_attempts' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    });

    it("enforces a key's requests per minute with x-ratelimit headers and a 429", async () => {
      const { member } = await seedTenant(gw.url, adminToken);
      const { key } = await createApiKey(gw.url, member.token, { rpm: 3 });
      for (let i = 0; i < 3; i++) {
        const res = await request(gw.url).get('/api/v1/auth/me').set('x-api-key', key).expect(200);
        expect(res.headers['x-ratelimit-limit-requests']).toBe('3');
        expect(res.headers['x-ratelimit-remaining-requests']).toBe(String(2 - i));
        expect(res.headers['x-ratelimit-reset-requests']).toMatch(/^\d+s$/);
      }
      const limited = await request(gw.url).get('/api/v1/auth/me').set('x-api-key', key).expect(429);
      expect(limited.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another key of the same user has its own budget.
      const other = await createApiKey(gw.url, member.token, { rpm: 3 });
      await request(gw.url).get('/api/v1/auth/me').set('x-api-key', other.key).expect(200);
    });
  });
});
