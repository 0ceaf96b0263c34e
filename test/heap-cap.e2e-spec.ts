import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { heapNeededForBodies } from '@switchyard/core';
import { createTestDatabase } from './support/databases.js';
import { spawnGateway, type GatewayProcess } from './support/gateway-process.js';

/**
 * Decision 0031: the gateway runs with V8's heap capped (`--max-old-space-size`), which is safe
 * only because MAX_BODY_BYTES_IN_FLIGHT bounds the request bodies held at once. Here, at a small
 * scale, a real gateway process capped at exactly what the rule asks for its bound (7x the bound
 * plus 150 MB) takes waves of concurrent maximum-size bodies: each is answered (200) or refused
 * (503) and the process lives on. Without the bound the same waves kill it (checked when the
 * test was written: with MAX_BODY_BYTES_IN_FLIGHT=0 the first wave ends it with SIGABRT, V8's heap
 * out of memory in JSON.stringify). A cap below the rule gets a warning at start.
 */
const ROOT = resolve(import.meta.dirname, '..');
const MiB = 1024 * 1024;
const BODY = 4 * MiB;
const BOUND = 3 * BODY;
const CAP_MB = Math.ceil(heapNeededForBodies(BOUND) / MiB);
const WAVES = 3;
const CONCURRENT = 24;
const ADMIN = { email: 'admin@heap.switchyard', password: `pw-${randomBytes(8).toString('hex')}` };

/** A chat whose JSON body is `bytes` long, of ordinary words (what the tokenizer sees daily). */
function chatBody(bytes: number): string {
  const shell = (content: string) =>
    JSON.stringify({ model: 'simulator/sim-gpt', max_tokens: 4, messages: [{ role: 'user', content }] });
  const words = 'the quick brown fox jumps over a lazy dog while seven wizards quietly judge boxes ';
  const room = bytes - shell('').length;
  return shell(words.repeat(Math.ceil(room / words.length)).slice(0, room));
}

describe('a heap cap with the body bound (real processes)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sim: ChildProcessWithoutNullStreams;
  let simUrl: string;
  let gw: GatewayProcess;
  let token: string;
  const env = (): Record<string, string> => ({
    NODE_ENV: 'production',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    LOG_REQUESTS: 'false',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '4',
    SIMULATOR_URL: simUrl,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    JWT_SECRET: randomBytes(32).toString('hex'),
    VAULT_MASTER_KEY: randomBytes(32).toString('base64'),
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    SWAGGER_ENABLED: 'false',
    MAX_BODY_BYTES: String(BODY),
    MAX_FILE_BYTES: String(BODY - MiB),
    MAX_BODY_BYTES_IN_FLIGHT: String(BOUND),
  });

  const api = async <T>(path: string, body: unknown, auth?: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${gw.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        'content-type': 'application/json',
        ...(auth ? { authorization: `Bearer ${auth}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    expect([path, res.status < 300 ? 'ok' : text]).toEqual([path, 'ok']);
    return JSON.parse(text) as T;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    sim = spawn(process.execPath, [join(ROOT, 'dist/apps/simulator/src/main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', SIMULATOR_PORT: '0' },
    });
    simUrl = await new Promise<string>((res, rej) => {
      const timer = setTimeout(() => rej(new Error('the simulator did not start')), 20_000);
      let out = '';
      const onData = (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          res(m[1]!);
        }
      };
      sim.stdout.on('data', onData);
      sim.stderr.on('data', onData);
    });
    gw = await spawnGateway(env(), 60_000, [`--max-old-space-size=${CAP_MB}`]);
    token = (await api<{ access_token: string }>('/api/v1/auth/login', ADMIN)).access_token;
    const me = (await api<{ user: { id: string } }>('/api/v1/auth/me', undefined, token)).user;
    await api(
      '/api/v1/credits/grants',
      { user_id: me.id, amount: '100000', reason: 'heap cap test' },
      token,
      { 'idempotency-key': randomUUID() },
    );
  }, 90_000);

  afterAll(async () => {
    if (gw && gw.child.exitCode === null && gw.child.signalCode === null) {
      gw.child.kill('SIGTERM');
      await gw.exited;
    }
    sim?.kill('SIGTERM');
    await db?.drop();
  });

  it(`serves or refuses ${WAVES} waves of ${CONCURRENT} maximum-size bodies under a ${CAP_MB} MB cap, and lives`, async () => {
    const body = chatBody(BODY - 1024);
    const statuses: number[] = [];
    for (let wave = 0; wave < WAVES; wave++) {
      const answers = await Promise.all(
        Array.from({ length: CONCURRENT }, () =>
          fetch(`${gw.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body,
          }).then(
            async (res) => {
              await res.arrayBuffer();
              return res.status;
            },
            () => 0, // the connection died: the process is gone
          ),
        ),
      );
      statuses.push(...answers);
      // Alive: no exit, and no signal (V8's "heap out of memory" aborts: SIGABRT).
      expect([gw.child.exitCode, gw.child.signalCode]).toEqual([null, null]);
    }
    const count = (s: number) => statuses.filter((x) => x === s).length;
    console.log(
      `heap cap ${CAP_MB} MB, bound ${BOUND / MiB} MiB: ${count(200)} served, ${count(503)} refused of ${statuses.length}`,
    );
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(count(200)).toBeGreaterThanOrEqual(WAVES * (BOUND / BODY));
    expect(count(503)).toBeGreaterThan(0);
    expect((await fetch(`${gw.url}/api/v1/health/ready`)).status).toBe(200);
    expect(gw.lines.join('\n')).not.toMatch(/heap out of memory|heap limit/i);
  }, 180_000);

  it('warns at start when the cap is below what the bound needs', async () => {
    const low = await spawnGateway({ ...env(), DATABASE_MIGRATE: 'false' }, 60_000, [
      '--max-old-space-size=160',
    ]);
    try {
      // Logs are written asynchronously: the warning may follow the listening line.
      const find = () => low.lines.find((l) => l.includes("Node's heap limit"));
      for (let i = 0; i < 50 && !find(); i++) await new Promise((r) => setTimeout(r, 100));
      const warning = find();
      expect(warning).toBeDefined();
      expect(warning).toContain(`MAX_BODY_BYTES_IN_FLIGHT (${BOUND / MiB} MiB`);
      expect(warning).toContain(`--max-old-space-size=${CAP_MB}`);
    } finally {
      low.child.kill('SIGTERM');
      await low.exited;
    }
  }, 90_000);
});
