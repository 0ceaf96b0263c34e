import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityLogService } from '@switchyard/activity-log';
import pg from 'pg';
import request from 'supertest';
import { createTestDatabase } from './support/databases.js';
import { loginAdmin, seedTenant } from './support/session.js';
import { startTestGateway, TEST_ADMIN, type TestGateway } from './support/test-gateway.js';

async function sql<T = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('activity log (real Postgres)', () => {
  let gw: TestGateway;
  let adminToken: string;
  let activity: ActivityLogService;
  let a: Awaited<ReturnType<typeof seedTenant>>;
  let b: Awaited<ReturnType<typeof seedTenant>>;

  beforeAll(async () => {
    gw = await startTestGateway();
    activity = gw.app.get(ActivityLogService);
    adminToken = await loginAdmin(gw.url);
    a = await seedTenant(gw.url, adminToken);
    b = await seedTenant(gw.url, adminToken);
    await activity.flush();
  });
  afterAll(async () => {
    await gw?.close();
  });

  const list = (token: string, query: Record<string, string | number> = {}) =>
    request(gw.url).get('/api/v1/activity-logs').query(query).auth(token, { type: 'bearer' });

  describe('auth events', () => {
    it('records failed and successful logins with the request id and client address', async () => {
      await request(gw.url)
        .post('/api/v1/auth/login')
        .set('x-request-id', 'req-login-failed-1')
        .send({ email: a.member.email, password: 'definitely-wrong' })
        .expect(401);
      await request(gw.url)
        .post('/api/v1/auth/login')
        .set('x-request-id', 'req-login-ok-1')
        .send({ email: a.member.email, password: a.member.password })
        .expect(200);
      await activity.flush();
      const failed = (await list(adminToken, { request_id: 'req-login-failed-1' }).expect(200)).body.data;
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({
        action: 'LOGIN_FAILED',
        tenant_id: a.tenantId,
        actor: { type: 'user', id: a.member.id, label: a.member.email },
        request_id: 'req-login-failed-1',
      });
      expect(failed[0].ip).toMatch(/127\.0\.0\.1/);
      const ok = (await list(adminToken, { request_id: 'req-login-ok-1' }).expect(200)).body.data;
      expect(ok.map((e: { action: string }) => e.action)).toEqual(['LOGIN_SUCCEEDED']);
    });

    it('records a failed login for an unknown email without a tenant', async () => {
      await request(gw.url)
        .post('/api/v1/auth/login')
        .send({ email: 'ghost@example.com', password: 'whatever-1234' })
        .expect(401);
      await activity.flush();
      const rows = (await list(adminToken, { actor: 'ghost@example.com' }).expect(200)).body.data;
      expect(rows[0]).toMatchObject({ action: 'LOGIN_FAILED', tenant_id: null, actor: { id: null } });
    });

    it('records API keys created and revoked, users created and role changes', async () => {
      const key = await request(gw.url)
        .post('/api/v1/api-keys')
        .auth(a.member.token, { type: 'bearer' })
        .send({ name: 'audit-me' })
        .expect(201);
      await request(gw.url)
        .delete(`/api/v1/api-keys/${key.body.id}`)
        .auth(a.member.token, { type: 'bearer' })
        .expect(200);
      await request(gw.url)
        .patch(`/api/v1/users/${a.member.id}`)
        .auth(a.admin.token, { type: 'bearer' })
        .send({ role: 'tenant_admin' })
        .expect(200);
      await activity.flush();
      const rows = (
        await list(a.admin.token, {
          action: 'API_KEY_CREATED,API_KEY_REVOKED,ROLE_CHANGED,USER_CREATED',
        }).expect(200)
      ).body.data as Array<{ action: string; actor: { id: string }; metadata: Record<string, unknown> }>;
      const actions = rows.map((r) => r.action);
      expect(actions.slice(0, 3)).toEqual(['ROLE_CHANGED', 'API_KEY_REVOKED', 'API_KEY_CREATED']);
      expect(rows[0]).toMatchObject({
        actor: { id: a.admin.id },
        metadata: { user_id: a.member.id, from: 'member', to: 'tenant_admin' },
      });
      expect(rows[1]!.metadata).toMatchObject({ api_key_id: key.body.id, name: 'audit-me' });
      // seedTenant created the admin and the member through the API.
      expect(actions.filter((x) => x === 'USER_CREATED')).toHaveLength(2);
      // The secret of the API key is in no entry.
      expect(JSON.stringify(rows)).not.toContain(key.body.key);
    });
  });

  describe('reading', () => {
    const provider = `prov-${Date.now()}`;
    beforeAll(async () => {
      const base = Date.parse('2030-01-01T00:00:00Z');
      for (let i = 0; i < 7; i++) {
        activity.record({
          action: i % 2 === 0 ? 'COOLDOWN' : 'SELECT',
          tenantId: i < 5 ? a.tenantId : b.tenantId,
          provider,
          keyId: `key-${i}`,
          keyHint: 'sk-this-is-a-full-key-123456',
          description: i === 0 ? '=HYPERLINK("http://evil")' : `entry ${i}, with "quotes"`,
          metadata: { i },
          at: new Date(base + i * 60_000),
        });
      }
      await activity.flush();
    });

    it('filters by action, provider and time range, newest first, with paging', async () => {
      const all = (await list(adminToken, { provider }).expect(200)).body;
      expect(all.total).toBe(7);
      expect(all.data.map((e: { metadata: { i: number } }) => e.metadata.i)).toEqual([6, 5, 4, 3, 2, 1, 0]);
      // A full key handed in as a hint was masked on the way in.
      expect(all.data[0].key_hint).toBe('…3456');

      const cooldowns = (await list(adminToken, { provider, action: 'COOLDOWN' }).expect(200)).body;
      expect(cooldowns.data.map((e: { metadata: { i: number } }) => e.metadata.i)).toEqual([6, 4, 2, 0]);

      const range = (
        await list(adminToken, { provider, from: '2030-01-01T00:01:00Z', to: '2030-01-01T00:04:00Z' }).expect(
          200,
        )
      ).body;
      expect(range.data.map((e: { metadata: { i: number } }) => e.metadata.i)).toEqual([3, 2, 1]);

      const second = (await list(adminToken, { provider, limit: 2, offset: 2 }).expect(200)).body;
      expect(second).toMatchObject({ total: 7, limit: 2, offset: 2 });
      expect(second.data.map((e: { metadata: { i: number } }) => e.metadata.i)).toEqual([4, 3]);
    });

    it('refuses a bad filter with 400', async () => {
      const res = await list(adminToken, { action: 'NOPE' }).expect(400);
      expect(res.body.error.param).toBe('action');
      await list(adminToken, { from: 'yesterday' }).expect(400);
    });

    it('keeps tenants apart: tenant admins see their tenant, members nothing, platform admins all', async () => {
      const forA = (await list(a.admin.token, { provider }).expect(200)).body;
      expect(forA.total).toBe(5);
      expect(forA.data.every((e: { tenant_id: string }) => e.tenant_id === a.tenantId)).toBe(true);
      const forB = (await list(b.admin.token, { provider }).expect(200)).body;
      expect(forB.total).toBe(2);
      // Asking for another tenant's entries finds none.
      expect((await list(b.admin.token, { provider, tenant_id: a.tenantId }).expect(200)).body.total).toBe(0);
      const member = await list(b.member.token, { provider }).expect(403);
      expect(member.body.error.type).toBe('permission_error');
      expect((await list(adminToken, { provider, tenant_id: b.tenantId }).expect(200)).body.total).toBe(2);
    });

    it('exports CSV on Accept: text/csv, every row, formulas defused', async () => {
      const res = await request(gw.url)
        .get('/api/v1/activity-logs')
        .query({ provider })
        .set('accept', 'text/csv')
        .auth(a.admin.token, { type: 'bearer' })
        .buffer(true)
        .parse((r, cb) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString('utf8')));
          r.on('end', () => cb(null, text));
        })
        .expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const lines = (res.body as string).trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'time,tenant_id,actor_type,actor_id,actor_label,action,provider,key_id,key_hint,description,request_id,ip,metadata',
      );
      expect(lines).toHaveLength(1 + 5);
      expect(lines[1]).toContain('"entry 4, with ""quotes"""');
      expect(lines[5]).toContain(`"'=HYPERLINK(""http://evil"")"`);
      expect(res.body).not.toContain('sk-this-is-a-full-key');
    });
  });

  describe('append-only', () => {
    it('refuses UPDATE, DELETE and TRUNCATE on the table', async () => {
      for (const statement of [
        `UPDATE activity_logs SET description = 'rewritten'`,
        `DELETE FROM activity_logs`,
        `TRUNCATE activity_logs`,
      ]) {
        await expect(sql(gw.databaseUrl!, statement)).rejects.toThrow(/append-only/);
      }
      // A session pretending to purge may still only remove entries older than its own cutoff.
      await expect(
        sql(
          gw.databaseUrl!,
          `SELECT set_config('switchyard.activity_log_purge_before', '1970-01-02', false); DELETE FROM activity_logs`,
        ),
      ).rejects.toThrow(/append-only/);
    });

    it('purges entries past the retention period, and nothing else', async () => {
      await sql(
        gw.databaseUrl!,
        `INSERT INTO activity_logs (occurred_at, actor_type, action, description)
         VALUES (now() - interval '400 days', 'system', 'TEST', 'ancient'), (now() - interval '89 days', 'system', 'TEST', 'recent')`,
      );
      const before = await sql<{ n: string }>(gw.databaseUrl!, `SELECT count(*) AS n FROM activity_logs`);
      expect(await activity.purgeExpired()).toBe(1);
      const after = await sql<{ n: string }>(gw.databaseUrl!, `SELECT count(*) AS n FROM activity_logs`);
      expect(Number(after[0]!.n)).toBe(Number(before[0]!.n) - 1);
      expect(await sql(gw.databaseUrl!, `SELECT 1 FROM activity_logs WHERE description = 'ancient'`)).toEqual(
        [],
      );
      await expect(sql(gw.databaseUrl!, `SELECT activity_log_purge(now())`)).rejects.toThrow(/last day/);
    });
  });
});

describe('activity log batching and shutdown', () => {
  it('buffers entries off the request path and writes every one when the app closes', async () => {
    const db = await createTestDatabase();
    const count = async () =>
      Number((await sql<{ n: string }>(db.url, 'SELECT count(*) AS n FROM activity_logs'))[0]!.n);
    let gw: TestGateway | undefined;
    let closed = false;
    try {
      gw = await startTestGateway({ databaseUrl: db.url, env: { ACTIVITY_LOG_FLUSH_MS: '60000' } });
      const activity = gw.app.get(ActivityLogService);
      await activity.flush();
      const baseline = await count();
      // A login records its event while the response is sent; nothing waits for the database.
      await request(gw.url)
        .post('/api/v1/auth/login')
        .send({ email: TEST_ADMIN.email, password: TEST_ADMIN.password })
        .expect(200);
      for (let i = 0; i < 10; i++) activity.record({ action: 'TEST', description: `entry ${i}` });
      await new Promise((r) => setTimeout(r, 300));
      expect(await count()).toBe(baseline);
      expect(activity.pending).toBe(11);

      // A full batch is written at once, without waiting for the timer (a minute away).
      for (let i = 10; i < 610; i++) activity.record({ action: 'TEST', description: `entry ${i}` });
      const deadline = Date.now() + 5000;
      while (activity.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await count()).toBe(baseline + 611);

      for (let i = 610; i < 615; i++) activity.record({ action: 'TEST', description: `entry ${i}` });
      await gw.app.close();
      closed = true;
      const rows = await sql<{ action: string; description: string }>(
        db.url,
        'SELECT action, description FROM activity_logs ORDER BY id',
      );
      expect(rows).toHaveLength(baseline + 616);
      expect(rows.filter((r) => r.action === 'LOGIN_SUCCEEDED')).toHaveLength(1);
      const recorded = rows.filter((r) => r.action === 'TEST').map((r) => r.description);
      expect(recorded).toEqual(Array.from({ length: 615 }, (_, i) => `entry ${i}`));
    } finally {
      if (gw && !closed) await gw.app.close();
      if (gw) rmSync(gw.dataDir, { recursive: true, force: true });
      await db.drop();
    }
  });
});
