import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityLogService } from '@switchyard/activity-log';
import { keyVersionOf, VaultKeySource } from '@switchyard/key-vault';
import pg from 'pg';
import request from 'supertest';
import { startSimulator, type Simulator } from '../apps/simulator/src/index.js';
import { createTestDatabase } from './support/databases.js';
import { loginAdmin, seedTenant } from './support/session.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const ROTATE = resolve(import.meta.dirname, '../dist/apps/gateway/src/vault-rotate.js');

/** A simulator key: long, random, and recognisable if it ever leaks. */
const simKey = (label = 'k') => `sk-sim-${label}-${randomBytes(16).toString('hex')}`;

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

describe('key vault on the embedded database, with a generated master key', () => {
  it('generates the master key once into the data dir and reads it back after a restart', async () => {
    const sim = await startSimulator();
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-vault-pglite-'));
    try {
      const env = { SIMULATOR_URL: sim.url };
      const first = await startTestGateway({ database: 'pglite', dataDir, env });
      const token = await loginAdmin(first.url);
      const secrets = [simKey('pg1'), simKey('pg2')];
      const one = await request(first.url)
        .post('/api/v1/provider-keys')
        .auth(token, { type: 'bearer' })
        .send({ provider: 'simulator', key: secrets[0] })
        .expect(201);
      await request(first.url)
        .post('/api/v1/provider-keys/import')
        .auth(token, { type: 'bearer' })
        .send({ content: `${secrets[1]}\n`, provider: 'simulator' })
        .expect(200);
      await request(first.url)
        .post(`/api/v1/provider-keys/${one.body.id}/select`)
        .auth(token, { type: 'bearer' })
        .expect(200);
      const keyFile = readFileSync(join(dataDir, 'vault.key'), 'utf8');
      expect(Buffer.from(keyFile.trim(), 'base64')).toHaveLength(32);
      expect(statSync(join(dataDir, 'vault.key')).mode & 0o777).toBe(0o600);
      await first.app.close();

      const second = await startTestGateway({ database: 'pglite', dataDir, env });
      expect(readFileSync(join(dataDir, 'vault.key'), 'utf8')).toBe(keyFile);
      const served = await second.app.get(VaultKeySource).keysFor('simulator', {});
      expect(served.map((c) => c.apiKey).slice(0, 2)).toEqual(secrets);
      const tested = await request(second.url)
        .post(`/api/v1/provider-keys/${one.body.id}/test`)
        .auth(await loginAdmin(second.url), { type: 'bearer' })
        .expect(200);
      expect(tested.body).toMatchObject({ ok: true, status: 'active' });
      await second.app.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await sim.close();
    }
  }, 60_000);
});

describe('key vault (real Postgres, simulator over HTTP)', () => {
  const masterA = randomBytes(32).toString('base64');
  let sim: Simulator;
  let gw: TestGateway;
  let adminToken: string;
  let a: Awaited<ReturnType<typeof seedTenant>>;
  let b: Awaited<ReturnType<typeof seedTenant>>;
  /** Every key handed to the vault in this file; none may ever come back. */
  const secrets: string[] = [];
  /** Every response body this file received. */
  const bodies: string[] = [];

  const call = (method: 'get' | 'post' | 'patch' | 'delete', path: string, token: string, body?: object) => {
    const req = request(gw.url)[method](`/api/v1/provider-keys${path}`).auth(token, { type: 'bearer' });
    return (body ? req.send(body) : req).then((res) => {
      bodies.push(res.text);
      return res;
    });
  };
  const add = async (token: string, body: Record<string, unknown>, status = 201) => {
    if (typeof body.key === 'string' && body.key.startsWith('sk-sim-')) secrets.push(body.key);
    const res = await call('post', '', token, body);
    expect(res.status).toBe(status);
    return res.body;
  };
  const events = async (filter: Record<string, string>) => {
    await gw.app.get(ActivityLogService).flush();
    const res = await request(gw.url)
      .get('/api/v1/activity-logs')
      .query({ limit: 200, ...filter })
      .auth(adminToken, { type: 'bearer' });
    bodies.push(res.text);
    return (
      res.body.data as Array<{
        action: string;
        key_id: string;
        key_hint: string;
        metadata: Record<string, unknown>;
      }>
    ).reverse();
  };

  beforeAll(async () => {
    sim = await startSimulator();
    gw = await startTestGateway({ env: { SIMULATOR_URL: sim.url, VAULT_MASTER_KEY: masterA } });
    adminToken = await loginAdmin(gw.url);
    a = await seedTenant(gw.url, adminToken);
    b = await seedTenant(gw.url, adminToken);
  });
  afterAll(async () => {
    await gw?.close();
    await sim?.close();
  });

  describe('adding, listing and deleting', () => {
    it('stores a key and only ever shows its last four characters', async () => {
      const key = simKey('crud');
      const created = await add(a.member.token, { provider: 'simulator', key, name: 'my key' });
      expect(created).toMatchObject({
        provider: 'simulator',
        name: 'my key',
        owner: 'user',
        tenant_id: a.tenantId,
        user_id: a.member.id,
        key_hint: `…${key.slice(-4)}`,
        status: 'active',
        selected: false,
        failure_count: 0,
        last_used_at: null,
      });
      expect(created).not.toHaveProperty('key');
      const listed = (await call('get', '', a.member.token)).body;
      expect(listed.data.map((k: { id: string }) => k.id)).toContain(created.id);
      await call('patch', `/${created.id}`, a.member.token, { name: 'renamed' }).then((r) =>
        expect(r.body.name).toBe('renamed'),
      );
      await call('delete', `/${created.id}`, a.member.token).then((r) => expect(r.status).toBe(204));
      await call('get', `/${created.id}`, a.member.token).then((r) => expect(r.status).toBe(404));
      const trail = await events({ key_id: created.id });
      expect(trail.map((e) => e.action)).toEqual(['ADD', 'DELETE']);
      expect(trail.every((e) => e.key_hint === `…${key.slice(-4)}`)).toBe(true);
    });

    it('refuses unknown providers, non-keys and duplicates', async () => {
      const unknown = await add(a.member.token, { provider: 'nope', key: simKey() }, 400);
      expect(unknown.error).toMatchObject({ code: 'unknown_provider', param: 'provider' });
      expect((await add(a.member.token, { provider: 'simulator', key: '' }, 400)).error.param).toBe('key');
      expect((await add(a.member.token, { provider: 'simulator', key: 'short' }, 400)).error.code).toBe(
        'invalid_key',
      );
      expect(
        (await add(a.member.token, { provider: 'simulator', key: 'has a space in it' }, 400)).error.code,
      ).toBe('invalid_key');
      const key = simKey('dup');
      await add(a.member.token, { provider: 'simulator', key });
      const dup = await add(a.member.token, { provider: 'simulator', key: ` ${key} ` }, 409);
      expect(dup.error.code).toBe('duplicate_key');
      // Another owner may hold the same key: pools are separate.
      await add(a.admin.token, { provider: 'simulator', key, owner: 'tenant' });
    });

    it('keeps no plaintext key in the table', async () => {
      const rows = await sql<Record<string, unknown>>(gw.databaseUrl!, 'SELECT * FROM provider_keys');
      expect(rows.length).toBeGreaterThan(0);
      const dump = JSON.stringify(rows);
      for (const secret of secrets) {
        expect(dump).not.toContain(secret);
        // Not even a recognisable part of it beyond the last four characters.
        expect(dump).not.toContain(secret.slice(-12));
      }
      for (const row of rows)
        expect(String(row.ciphertext)).toMatch(
          new RegExp(`^v1:${keyVersionOf(Buffer.from(masterA, 'base64'))}:`),
        );
    });
  });

  describe('who may manage which keys', () => {
    it('lets platform admins manage platform keys, tenant admins tenant keys, everyone their own', async () => {
      expect(
        (await add(a.member.token, { provider: 'simulator', key: simKey(), owner: 'tenant' }, 403)).error
          .param,
      ).toBe('owner');
      await add(a.admin.token, { provider: 'simulator', key: simKey(), owner: 'platform' }, 403);
      const platform = await add(adminToken, { provider: 'simulator', key: simKey('platform') });
      expect(platform).toMatchObject({ owner: 'platform', tenant_id: null, user_id: null });
      const forB = await add(adminToken, {
        provider: 'simulator',
        key: simKey(),
        owner: 'tenant',
        tenant_id: b.tenantId,
      });
      expect(forB).toMatchObject({ owner: 'tenant', tenant_id: b.tenantId });
      const tenant = await add(a.admin.token, { provider: 'simulator', key: simKey('tenant') });
      expect(tenant).toMatchObject({ owner: 'tenant', tenant_id: a.tenantId });
      // A base URL aims the gateway anywhere: admins only.
      await add(
        a.member.token,
        { provider: 'simulator', key: simKey(), base_url: 'http://10.0.0.1/v1' },
        403,
      );
    });

    it("answers 404 for another tenant's key, whatever the action", async () => {
      const key = await add(a.admin.token, { provider: 'simulator', key: simKey('iso') });
      for (const token of [b.admin.token, b.member.token]) {
        for (const [method, path] of [
          ['get', ''],
          ['patch', ''],
          ['delete', ''],
          ['post', '/select'],
          ['post', '/unselect'],
          ['post', '/test'],
        ] as const) {
          const res = await call(
            method,
            `/${key.id}${path}`,
            token,
            method === 'patch' ? { name: 'x' } : undefined,
          );
          expect(res.status).toBe(404);
        }
        const listed = (await call('get', '', token)).body.data.map((k: { id: string }) => k.id);
        expect(listed).not.toContain(key.id);
      }
      // A member of the same tenant does not manage the tenant's keys either.
      expect((await call('get', `/${key.id}`, a.member.token)).status).toBe(404);
      // The platform's keys are not the tenants' to see.
      const platform = await add(adminToken, { provider: 'simulator', key: simKey() });
      expect((await call('get', `/${platform.id}`, a.admin.token)).status).toBe(404);
      expect((await call('get', `/${key.id}`, adminToken)).status).toBe(200);
    });
  });

  describe('selection', () => {
    it('selects one key per owner and provider, logging what changed', async () => {
      const first = await add(a.admin.token, { provider: 'simulator-gemini', key: simKey('sel1') });
      const second = await add(a.admin.token, { provider: 'simulator-gemini', key: simKey('sel2') });
      expect((await call('post', `/${first.id}/select`, a.admin.token)).body.selected).toBe(true);
      expect((await call('post', `/${second.id}/select`, a.admin.token)).body.selected).toBe(true);
      expect((await call('get', `/${first.id}`, a.admin.token)).body.selected).toBe(false);
      expect((await call('post', `/${second.id}/unselect`, a.admin.token)).body.selected).toBe(false);
      const trail = await events({ provider: 'simulator-gemini', action: 'SELECT,UNSELECT' });
      expect(trail.map((e) => [e.action, e.key_id])).toEqual([
        ['SELECT', first.id],
        ['UNSELECT', first.id],
        ['SELECT', second.id],
        ['UNSELECT', second.id],
      ]);
    });

    it('refuses to select a disabled key', async () => {
      const key = await add(a.admin.token, { provider: 'simulator-gemini', key: simKey('dis') });
      expect((await call('patch', `/${key.id}`, a.admin.token, { enabled: false })).body.status).toBe(
        'disabled',
      );
      expect((await call('post', `/${key.id}/select`, a.admin.token)).body.error.code).toBe('key_not_usable');
      expect((await call('patch', `/${key.id}`, a.admin.token, { enabled: true })).body.status).toBe(
        'active',
      );
    });
  });

  describe('testing a key against the provider', () => {
    it('passes a valid key and marks an invalidated one invalid, then active again once it works', async () => {
      const secret = simKey('test');
      const key = await add(a.member.token, { provider: 'simulator', key: secret });
      await call('post', `/${key.id}/select`, a.member.token);
      sim.clearRequests();
      const ok = (await call('post', `/${key.id}/test`, a.member.token)).body;
      expect(ok).toMatchObject({ id: key.id, ok: true, status: 'active' });
      expect(sim.requests.map((r) => [r.method, r.path, r.apiKey])).toEqual([['GET', '/v1/models', secret]]);

      sim.invalidateKey(secret);
      const bad = (await call('post', `/${key.id}/test`, a.member.token)).body;
      expect(bad).toMatchObject({
        ok: false,
        status: 'invalid',
        error: { kind: 'auth', upstream_status: 401 },
      });
      const after = (await call('get', `/${key.id}`, a.member.token)).body;
      expect(after).toMatchObject({
        status: 'invalid',
        selected: false,
        last_error: 'auth',
        failure_count: 1,
      });

      sim.setKeyBehavior(secret, null);
      expect((await call('post', `/${key.id}/test`, a.member.token)).body).toMatchObject({
        ok: true,
        status: 'active',
      });
      const trail = await events({ key_id: key.id });
      expect(trail.map((e) => e.action)).toEqual([
        'ADD',
        'SELECT',
        'TEST',
        'TEST',
        'INVALID',
        'UNSELECT',
        'TEST',
      ]);
      expect(trail[2]!.metadata).toMatchObject({ ok: true });
      expect(trail[3]!.metadata).toMatchObject({ ok: false, error_kind: 'auth', upstream_status: 401 });
    });

    it('reports a rate-limited key as cooling down', async () => {
      const secret = simKey('test429');
      const key = await add(a.member.token, { provider: 'simulator', key: secret });
      sim.setKeyBehavior(secret, { status: 429, retryAfterSeconds: 30, times: 1 });
      const res = (await call('post', `/${key.id}/test`, a.member.token)).body;
      expect(res).toMatchObject({ ok: false, status: 'cooling_down', error: { kind: 'rate_limit' } });
      const view = (await call('get', `/${key.id}`, a.member.token)).body;
      expect(Date.parse(view.cooldown_until) - Date.now()).toBeGreaterThan(20_000);
    });
  });

  describe('import', () => {
    it('reports every line of a mixed CSV file: added, duplicate, rejected and why', async () => {
      const existing = simKey('imp-existing');
      await add(a.admin.token, { provider: 'simulator', key: existing });
      const fresh = [simKey('imp1'), simKey('imp2'), simKey('imp3')];
      secrets.push(...fresh);
      const content = [
        'provider,key,name',
        `simulator,${fresh[0]},first`,
        `simulator,${existing},already there`,
        `simulator,${fresh[0]},again`,
        `nope,${simKey()},unknown provider`,
        'simulator,,empty key',
        `simulator,${fresh[1]}`,
        `,${fresh[2]},provider from the body`,
        `simulator-gemini,"${simKey()},broken quote`,
      ].join('\n');
      const res = await call('post', '/import', a.admin.token, { content, provider: 'simulator-anthropic' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ added: 2, skipped: 2, rejected: 4, dry_run: false });
      expect(
        res.body.lines.map((l: { line: number; status: string; reason?: string }) => [
          l.line,
          l.status,
          l.reason,
        ]),
      ).toEqual([
        [2, 'added', undefined],
        [3, 'skipped', 'duplicate (already in the vault)'],
        [4, 'skipped', 'duplicate (earlier in this file)'],
        [5, 'rejected', 'unknown provider "nope"'],
        [6, 'rejected', 'empty key'],
        [7, 'rejected', 'malformed CSV row: 2 fields, the header has 3'],
        [8, 'added', undefined],
        [9, 'rejected', 'malformed CSV row: unbalanced quotes'],
      ]);
      expect(res.body.lines[6]).toMatchObject({
        provider: 'simulator-anthropic',
        key_hint: `…${fresh[2]!.slice(-4)}`,
      });
      const listed = (await call('get', '?limit=200', a.admin.token)).body.data.map(
        (k: { id: string }) => k.id,
      );
      for (const line of res.body.lines.filter((l: { status: string }) => l.status === 'added'))
        expect(listed).toContain(line.id);
      const trail = await events({ action: 'IMPORT', actor: a.admin.id });
      expect(trail.at(-1)!.metadata).toMatchObject({ added: 2, skipped: 2, rejected: 4 });
    });

    it('reads one key per line and JSON arrays, and adds nothing on a dry run', async () => {
      const keys = [simKey('line1'), simKey('line2')];
      secrets.push(...keys);
      const dry = await call('post', '/import', a.member.token, {
        content: `# my keys\n${keys[0]}\n\n${keys[1]}\nshort\n`,
        provider: 'simulator',
        dry_run: true,
      });
      expect(dry.body).toMatchObject({ added: 0, skipped: 0, rejected: 1, dry_run: true });
      expect(dry.body.lines.map((l: { line: number; status: string }) => [l.line, l.status])).toEqual([
        [2, 'added'],
        [4, 'added'],
        [5, 'rejected'],
      ]);
      const before = (await call('get', '', a.member.token)).body.total;
      expect((await call('get', '', a.member.token)).body.total).toBe(before);

      const json = await call('post', '/import', a.member.token, {
        content: JSON.stringify([
          keys[0],
          { provider: 'simulator', key: keys[1], name: 'json' },
          { name: 'no key' },
        ]),
        provider: 'simulator',
      });
      expect(json.body).toMatchObject({ added: 2, skipped: 0, rejected: 1 });
      expect(json.body.lines[2]).toMatchObject({ line: 3, status: 'rejected', reason: 'empty key' });
      const rows = await call('post', '/import', a.member.token, {
        keys: [{ provider: 'simulator', key: keys[0] }],
      });
      expect(rows.body.lines[0]).toMatchObject({
        status: 'skipped',
        reason: 'duplicate (already in the vault)',
      });
    });

    it('refuses a file that is not one', async () => {
      const res = await call('post', '/import', a.member.token, { content: '{"key":"x"}', format: 'json' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_import');
    });
  });

  describe('master key rotation', () => {
    it('re-encrypts every key under the new master key; every key stays usable', async () => {
      const db = await createTestDatabase();
      const dirs = [mkdtempSync(join(tmpdir(), 'sy-rot-')), mkdtempSync(join(tmpdir(), 'sy-rot-'))];
      const oldKey = randomBytes(32).toString('base64');
      const newKey = randomBytes(32).toString('base64');
      try {
        const before = await startTestGateway({
          databaseUrl: db.url,
          dataDir: dirs[0],
          env: { SIMULATOR_URL: sim.url, VAULT_MASTER_KEY: oldKey },
        });
        const token = await loginAdmin(before.url);
        const plaintexts = [simKey('rot1'), simKey('rot2'), simKey('rot3')];
        secrets.push(...plaintexts);
        const ids: string[] = [];
        for (const key of plaintexts) {
          const res = await request(before.url)
            .post('/api/v1/provider-keys')
            .auth(token, { type: 'bearer' })
            .send({ provider: 'simulator', key })
            .expect(201);
          ids.push(res.body.id);
        }
        await before.app.close();

        // Every instance restarted with the new key current and the old one still accepted.
        const during = await startTestGateway({
          databaseUrl: db.url,
          dataDir: dirs[0],
          env: { SIMULATOR_URL: sim.url, VAULT_MASTER_KEY: newKey, VAULT_PREVIOUS_KEYS: oldKey },
        });
        expect((await during.app.get(VaultKeySource).keysFor('simulator', {})).map((c) => c.apiKey)).toEqual(
          expect.arrayContaining(plaintexts),
        );
        // The rotation runs beside it, as the built CLI.
        const { stdout } = await promisify(execFile)(process.execPath, [ROTATE], {
          cwd: dirs[1],
          env: {
            PATH: process.env.PATH ?? '',
            DATABASE_URL: db.url,
            DATA_DIR: dirs[1],
            VAULT_MASTER_KEY: newKey,
            VAULT_PREVIOUS_KEYS: oldKey,
          },
        });
        expect(stdout).toContain('3 key(s) re-encrypted');
        const versions = await sql<{ key_version: string; ciphertext: string }>(
          db.url,
          'SELECT key_version, ciphertext FROM provider_keys',
        );
        const newVersion = keyVersionOf(Buffer.from(newKey, 'base64'));
        expect(
          versions.every((v) => v.key_version === newVersion && v.ciphertext.startsWith(`v1:${newVersion}:`)),
        ).toBe(true);
        // Running it again has nothing left to do.
        const again = await promisify(execFile)(process.execPath, [ROTATE], {
          cwd: dirs[1],
          env: {
            PATH: process.env.PATH ?? '',
            DATABASE_URL: db.url,
            DATA_DIR: dirs[1],
            VAULT_MASTER_KEY: newKey,
          },
        });
        expect(again.stdout).toContain('0 key(s) re-encrypted under master key version');
        expect(again.stdout).toContain('3 already were');
        await during.app.close();

        // The old master key can now be dropped: only the new one opens every key.
        const after = await startTestGateway({
          databaseUrl: db.url,
          dataDir: dirs[0],
          env: { SIMULATOR_URL: sim.url, VAULT_MASTER_KEY: newKey },
        });
        const afterToken = await loginAdmin(after.url);
        for (const id of ids) {
          const tested = await request(after.url)
            .post(`/api/v1/provider-keys/${id}/test`)
            .auth(afterToken, { type: 'bearer' });
          bodies.push(tested.text);
          expect(tested.body).toMatchObject({ ok: true });
        }
        const served = (await after.app.get(VaultKeySource).keysFor('simulator', {})).map((c) => c.apiKey);
        expect(served).toEqual(expect.arrayContaining(plaintexts));
        await after.app.close();

        // With only the old key a gateway cannot open them: it says so instead of using garbage.
        const stale = await startTestGateway({
          databaseUrl: db.url,
          dataDir: dirs[0],
          env: { SIMULATOR_URL: sim.url, VAULT_MASTER_KEY: oldKey },
        });
        const staleToken = await loginAdmin(stale.url);
        const refused = await request(stale.url)
          .post(`/api/v1/provider-keys/${ids[0]}/test`)
          .auth(staleToken, { type: 'bearer' });
        expect(refused.status).toBe(409);
        expect(refused.body.error.code).toBe('key_undecryptable');
        expect(
          (await stale.app.get(VaultKeySource).keysFor('simulator', {})).map((c) => c.keyId),
        ).not.toContain(ids[0]);
        await stale.app.close();
      } finally {
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
        await db.drop();
      }
    }, 60_000);
  });

  it('documents the vault and the activity log in the OpenAPI document', async () => {
    const doc = (await request(gw.url).get('/docs-json').expect(200)).body;
    for (const path of ['', '/import', '/{id}', '/{id}/select', '/{id}/unselect', '/{id}/test']) {
      expect(doc.paths[`/api/v1/provider-keys${path}`]).toBeDefined();
    }
    expect(doc.paths['/api/v1/activity-logs'].get).toBeDefined();
    expect(doc.components.schemas.ProviderKeyView.properties.key_hint.example).toBe('…a1b2');
  });

  describe('no full provider key anywhere', () => {
    it('in any response body, or any activity entry', async () => {
      const trail = await sql(gw.databaseUrl!, 'SELECT * FROM activity_logs');
      const everything = [...bodies, JSON.stringify(trail)].join('\n');
      expect(secrets.length).toBeGreaterThan(10);
      for (const secret of secrets) expect(everything).not.toContain(secret);
    });
  });
});
