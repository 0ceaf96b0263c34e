import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyLedger } from '@switchyard/credits';
import OpenAI from 'openai';
import pg from 'pg';
import { createTestDatabase } from './support/databases.js';
import { spawnGateway, type GatewayProcess } from './support/gateway-process.js';

/**
 * Several instances, for real (issue 19): two gateway processes on one Postgres database and one
 * Redis, the simulator as the upstream over HTTP, HAProxy in front on deploy/haproxy/haproxy.cfg,
 * and the `openai` SDK as the client, through the balancer only. One gateway is SIGKILLed while
 * mixed traffic runs; the other must carry on, release the dead one's reservations and leave a
 * ledger that adds up with nothing charged twice. See docs/operations.md#scaling-out.
 */
const ROOT = resolve(import.meta.dirname, '..');
const REDIS_URL = `${process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'}/5`;
const ADMIN = { email: 'admin@scale.switchyard', password: `pw-${randomBytes(8).toString('hex')}` };
const KILL_AFTER_MS = 2500;
const RUN_AFTER_KILL_MS = 4000;
const WORKERS = 10;

function haproxyBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('this test needs HAProxy: apt-get install haproxy (.ci/run installs it)');
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

interface Proc {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  exited: Promise<number | null>;
}

/** Starts a helper process and waits for a line matching `ready` (its first group is returned). */
async function startProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<Proc & { match: string }> {
  const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
  const lines: string[] = [];
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const match = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${command} did not start:\n${lines.join('\n')}`)), 20_000);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(line);
        const m = ready.exec(line);
        if (m) {
          clearTimeout(timer);
          res(m[1] ?? line);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => rej(new Error(`${command} exited with ${code}:\n${lines.join('\n')}`)));
  });
  return { child, lines, exited, match };
}

async function stop(proc: Proc | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
  await proc.exited;
  clearTimeout(timer);
}

/** JSON against the management API (through the balancer). */
async function api<T>(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The request ids a gateway logged (one `request ...` line per request, JSON logs). */
function loggedIds(gw: GatewayProcess): Set<string> {
  const ids = new Set<string>();
  for (const line of gw.lines) {
    const m = /"req":\{"id":"([^"]+)"/.exec(line);
    if (m && line.includes('"msg":"request ')) ids.add(m[1]!);
  }
  return ids;
}

type Kind = 'plain' | 'stream' | 'failover' | 'slow';
interface Outcome {
  kind: Kind;
  start: number;
  end: number;
  ok: boolean;
  status?: number;
  error?: string;
  requestId?: string;
}

describe('several instances behind HAProxy', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: pg.Client;
  let sim: Proc & { match: string };
  let lb: Proc;
  let gw1: GatewayProcess;
  let gw2: GatewayProcess;
  let lbUrl: string;
  let adminToken: string;
  let member: { id: string; token: string };
  /** A new member of the test tenant with 1,000 credits, signed in. */
  let seedMember: () => Promise<{ id: string; token: string }>;
  const wall = performance.now();

  beforeAll(async () => {
    const haproxy = haproxyBinary();
    db = await createTestDatabase();
    // The migration Job of deploy/k8s, verbatim; the gateways then start with DATABASE_MIGRATE=false.
    execFileSync(
      process.execPath,
      ['node_modules/typeorm/cli.js', 'migration:run', '-d', 'dist/apps/gateway/src/data-source.js'],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url }, stdio: 'ignore' },
    );
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    sim = await startProcess(
      process.execPath,
      [join(ROOT, 'dist/apps/simulator/src/main.js')],
      { SIMULATOR_PORT: '0' },
      /listening on (http:\/\/\S+)/,
    );
    const env = {
      NODE_ENV: 'production',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      DATABASE_URL: db.url,
      DATABASE_MIGRATE: 'false',
      DATABASE_POOL_SIZE: '4',
      REDIS_URL,
      SIMULATOR_URL: sim.match,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      JWT_SECRET: randomBytes(32).toString('hex'),
      VAULT_MASTER_KEY: randomBytes(32).toString('base64'),
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      TRUST_PROXY: 'loopback',
      SIGNUP_CREDITS: '0',
      SWAGGER_ENABLED: 'false',
      UPSTREAM_RETRY_BASE_MS: '5',
      // A dead instance's reservations expire 3 s after its last renewal; every instance sweeps
      // each second (production: 600 s and 60 s).
      RESERVATION_TTL_SECONDS: '3',
      CREDITS_SWEEP_INTERVAL_SECONDS: '1',
      SHUTDOWN_TIMEOUT_MS: '2000',
    };
    // One after the other: the first start creates the admin and the settings both then share.
    gw1 = await spawnGateway(env);
    gw2 = await spawnGateway(env);
    const port = await freePort();
    lbUrl = `http://127.0.0.1:${port}`;
    // HAProxy on the shipped file, in the foreground; it prints nothing when all is well, so wait
    // until it answers (and both gateways are ready behind it).
    const child = spawn(haproxy, ['-db', '-f', 'deploy/haproxy/haproxy.cfg'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        SWITCHYARD_LB_BIND: `127.0.0.1:${port}`,
        SWITCHYARD_GATEWAY_1: new URL(gw1.url).host,
        SWITCHYARD_GATEWAY_2: new URL(gw2.url).host,
      },
    });
    lb = { child, lines: [], exited: new Promise((r) => child.on('exit', (code) => r(code))) };
    const collect = (chunk: Buffer) => lb.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    for (let i = 0; ; i++) {
      const ok = await fetch(`${lbUrl}/api/v1/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 100 || child.exitCode !== null)
        throw new Error(`haproxy did not start:\n${lb.lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    adminToken = (await api<{ access_token: string }>(lbUrl, 'POST', '/api/v1/auth/login', undefined, ADMIN))
      .access_token;
    const tenant = await api<{ id: string }>(lbUrl, 'POST', '/api/v1/tenants', adminToken, {
      name: `scale-${randomUUID().slice(0, 8)}`,
    });
    seedMember = async () => {
      const login = {
        email: `scale-${randomBytes(4).toString('hex')}@example.com`,
        password: 'pw-scale-out-123',
      };
      const user = await api<{ id: string }>(lbUrl, 'POST', '/api/v1/users', adminToken, {
        ...login,
        role: 'member',
        tenant_id: tenant.id,
      });
      await api(
        lbUrl,
        'POST',
        '/api/v1/credits/grants',
        adminToken,
        { user_id: user.id, amount: '1000', reason: 'scale-out test' },
        { 'idempotency-key': randomUUID() },
      );
      const token = (
        await api<{ access_token: string }>(lbUrl, 'POST', '/api/v1/auth/login', undefined, login)
      ).access_token;
      return { id: user.id, token };
    };
    member = await seedMember();
  }, 90_000);

  afterAll(async () => {
    await stop(lb);
    await stop(gw1, 'SIGKILL');
    await stop(gw2);
    await stop(sim);
    await sql?.end().catch(() => undefined);
    await db?.drop();
    console.log(`scale-out test: ${Math.round((performance.now() - wall) / 1000)} s wall time`);
  });

  const clientFor = (apiKey: string) =>
    new OpenAI({ apiKey, baseURL: `${lbUrl}/v1`, maxRetries: 0, timeout: 30_000 });
  const newKey = async (owner: { token: string }, body: Record<string, unknown>) =>
    (await api<{ key: string }>(lbUrl, 'POST', '/api/v1/api-keys', owner.token, { name: 'scale', ...body }))
      .key;
  const servedBy = (requestId: string | undefined) =>
    requestId === undefined
      ? undefined
      : loggedIds(gw1).has(requestId)
        ? 'gateway-1'
        : loggedIds(gw2).has(requestId)
          ? 'gateway-2'
          : undefined;

  it("holds a key's requests per minute across both instances: rpm 6 gets exactly 6 of 12", async () => {
    const client = clientFor(await newKey(member, { rpm: 6 }));
    const results: Array<{ status: number; requestId?: string }> = [];
    for (let i = 0; i < 12; i++) {
      try {
        const { response } = await client.chat.completions
          .create({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content: `rpm ${i}` }] })
          .withResponse();
        results.push({
          status: response.status,
          requestId: response.headers.get('x-request-id') ?? undefined,
        });
      } catch (err) {
        const e = err as InstanceType<typeof OpenAI.APIError>;
        results.push({ status: e.status ?? 0, requestId: e.requestID ?? undefined });
      }
    }
    expect(results.filter((r) => r.status === 200)).toHaveLength(6);
    expect(results.filter((r) => r.status === 429)).toHaveLength(6);
    // The balancer spread both the answers and the refusals over the two instances.
    await new Promise((r) => setTimeout(r, 200)); // the request lines are written as the answers end
    const where = (status: number) =>
      new Set(results.filter((r) => r.status === status).map((r) => servedBy(r.requestId)));
    expect(where(200)).toEqual(new Set(['gateway-1', 'gateway-2']));
    expect(where(429)).toEqual(new Set(['gateway-1', 'gateway-2']));
  });

  it('skips a provider key on one instance while it cools down after a 429 seen by the other', async () => {
    const owner = await seedMember();
    const secrets = [
      `sk-scale-first-${randomBytes(6).toString('hex')}`,
      `sk-scale-second-${randomBytes(6).toString('hex')}`,
    ];
    const ids: string[] = [];
    for (const [i, key] of secrets.entries()) {
      ids.push(
        (
          await api<{ id: string }>(lbUrl, 'POST', '/api/v1/provider-keys', owner.token, {
            provider: 'simulator',
            key,
            owner: 'user',
            name: `scale ${i + 1}`,
          })
        ).id,
      );
    }
    await api(lbUrl, 'POST', `/api/v1/provider-keys/${ids[0]}/select`, owner.token);
    // The simulator answers the first key with 429 and Retry-After: 60 s from now on.
    await api(sim.match, 'POST', '/__sim/keys', undefined, {
      key: secrets[0],
      status: 429,
      retryAfterSeconds: 60,
    });
    const firstKeyCalls = async () =>
      (await api<Array<{ apiKey: string }>>(sim.match, 'GET', '/__sim/requests')).filter(
        (r) => r.apiKey === secrets[0],
      ).length;
    const client = clientFor(await newKey(owner, {}));
    const ask = async (i: number) => {
      const { data, response } = await client.chat.completions
        .create({ model: 'simulator/sim-gpt', messages: [{ role: 'user', content: `cool ${i}` }] })
        .withResponse();
      expect(data.choices[0]!.message.content).toBe(`echo: cool ${i}`);
      return response.headers.get('x-request-id')!;
    };
    const first = await ask(0);
    const afterFirst = await firstKeyCalls();
    expect(afterFirst).toBeGreaterThanOrEqual(1);
    const later = [];
    for (let i = 1; i <= 6; i++) later.push(await ask(i));
    // No instance tried the cooling key again, and both served calls meanwhile.
    expect(await firstKeyCalls()).toBe(afterFirst);
    await new Promise((r) => setTimeout(r, 200));
    // The 429 was seen by one instance; the other skipped the key all the same.
    expect(['gateway-1', 'gateway-2']).toContain(servedBy(first));
    expect(new Set(later.map(servedBy))).toEqual(new Set(['gateway-1', 'gateway-2']));
  });

  it('survives a SIGKILL of one gateway under mixed load: only its calls in flight fail, the ledger adds up', async () => {
    const client = clientFor(await newKey(member, { rpm: 1_000_000, tpm: 1_000_000_000 }));
    const outcomes: Outcome[] = [];
    const kinds: Kind[] = ['plain', 'stream', 'failover', 'slow'];
    let killAt = Number.POSITIVE_INFINITY;
    const t0 = performance.now();
    const stopAt = () =>
      killAt === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : killAt + RUN_AFTER_KILL_MS;

    const call = async (kind: Kind, n: number): Promise<Outcome> => {
      const start = performance.now();
      const content = `load ${kind} ${n}`;
      const messages = [{ role: 'user' as const, content }];
      try {
        if (kind === 'stream') {
          // Word by word, 200 ms apart: streams are in flight on both instances at the kill.
          const { data, response } = await client.chat.completions
            .create({
              model: 'simulator/sim-gpt-slow',
              messages,
              stream: true,
              stream_options: { include_usage: true },
            })
            .withResponse();
          let text = '';
          let finished = false;
          for await (const chunk of data) {
            text += chunk.choices[0]?.delta.content ?? '';
            if (chunk.choices[0]?.finish_reason) finished = true;
          }
          const ok = finished && text === `echo: ${content}`;
          return {
            kind,
            start,
            end: performance.now(),
            ok,
            status: response.status,
            error: ok ? undefined : `stream ended early: ${JSON.stringify(text)}`,
            requestId: response.headers.get('x-request-id') ?? undefined,
          };
        }
        const body =
          kind === 'failover'
            ? // The first model always answers 503: the gateway fails over to the second.
              {
                model: 'simulator/sim-gpt-fault-503',
                models: ['simulator/sim-gpt-fault-503', 'simulator/sim-gpt'],
              }
            : { model: kind === 'slow' ? 'simulator/sim-gpt-latency-400' : 'simulator/sim-gpt' };
        const { data, response } = await client.chat.completions
          .create({ ...body, messages } as OpenAI.ChatCompletionCreateParamsNonStreaming)
          .withResponse();
        const ok = data.choices[0]?.message.content === `echo: ${content}`;
        return {
          kind,
          start,
          end: performance.now(),
          ok,
          status: response.status,
          requestId: response.headers.get('x-request-id') ?? undefined,
        };
      } catch (err) {
        const e = err as Error & { status?: number; requestID?: string | null };
        return {
          kind,
          start,
          end: performance.now(),
          ok: false,
          status: e.status,
          error: `${e.constructor.name}: ${e.message}`,
          requestId: e.requestID ?? undefined,
        };
      }
    };

    const worker = async (w: number) => {
      for (let n = 0; performance.now() < stopAt(); n++)
        outcomes.push(await call(kinds[(w + n) % kinds.length]!, w * 1000 + n));
    };
    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    await new Promise((r) => setTimeout(r, KILL_AFTER_MS));
    gw1.child.kill('SIGKILL');
    killAt = performance.now();
    await gw1.exited;
    // The signal is sent at killAt; the process is gone (its sockets closed) only now. A call
    // that started in between can still reach it: it is in flight at the kill too.
    const goneAt = performance.now();
    await load;

    const before = outcomes.filter((o) => o.end <= killAt);
    const inFlight = outcomes.filter((o) => o.start < goneAt && o.end > killAt);
    const after = outcomes.filter((o) => o.start >= goneAt);
    const failed = outcomes.filter((o) => !o.ok);
    const summary = {
      total: outcomes.length,
      before: before.length,
      inFlight: inFlight.length,
      after: after.length,
      failed: failed.map((o) => `${o.kind} ${o.status ?? '-'} ${o.error?.slice(0, 80)}`),
      tookMs: Math.round(performance.now() - t0),
      killToGoneMs: Math.round(goneAt - killAt),
    };
    // Every kind ran on both sides of the kill.
    for (const kind of kinds) {
      expect([kind, before.some((o) => o.kind === kind && o.ok)]).toEqual([kind, true]);
      expect([kind, after.some((o) => o.kind === kind && o.ok)]).toEqual([kind, true]);
    }
    // Before the kill nothing failed; after it, every call succeeded (on the survivor: the balancer
    // sends what it had routed to the dead instance elsewhere, as long as that instance never had it).
    expect([summary, before.filter((o) => !o.ok)]).toEqual([summary, []]);
    expect([summary, after.filter((o) => !o.ok)]).toEqual([summary, []]);
    // The failures are calls in flight at the kill, seen by the client as a 502 from the balancer
    // or a connection cut mid-answer; never a call the survivor served.
    await new Promise((r) => setTimeout(r, 300));
    for (const o of failed) {
      expect(inFlight).toContain(o);
      expect([o.error, o.status === 502 || o.status === undefined]).toEqual([o.error, true]);
      expect(servedBy(o.requestId)).not.toBe('gateway-2');
    }
    const survivorIds = loggedIds(gw2);
    const served2 = outcomes.filter((o) => o.requestId && survivorIds.has(o.requestId));
    expect(served2.length).toBeGreaterThan(after.length / 2);
    expect(served2.filter((o) => !o.ok)).toEqual([]);
    expect(gw2.lines.filter((l) => /"msg":"request (errored|aborted)"/.test(l))).toEqual([]);

    // The survivor's sweeper releases what the dead instance had reserved.
    let pending = -1;
    for (let i = 0; i < 100 && pending !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      pending = Number(
        (await sql.query(`SELECT count(*) AS n FROM credit_reservations WHERE status = 'pending'`)).rows[0].n,
      );
    }
    expect(pending).toBe(0);
    const expired = (
      await sql.query<{ request_id: string }>(
        `SELECT request_id FROM credit_reservations WHERE status = 'expired'`,
      )
    ).rows.map((r) => r.request_id);
    // gateway-1 had calls under way when it died (the streams' reservations had to be released) ...
    expect(expired.length).toBeGreaterThan(0);
    // ... and none of them is a call a client saw answered.
    const answered = new Set(outcomes.filter((o) => o.ok).map((o) => o.requestId));
    expect(expired.filter((id) => answered.has(id))).toEqual([]);

    // Every answered call was paid exactly once: no request id was charged twice, and each was
    // settled from its hold ...
    const charges = await sql.query<{ request_id: string; n: string }>(
      `SELECT request_id, count(*) AS n FROM credit_ledger WHERE kind = 'charge' GROUP BY request_id`,
    );
    expect(charges.rows.length).toBeGreaterThan(0);
    expect(charges.rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    const settled = new Set(
      (
        await sql.query<{ request_id: string }>(
          `SELECT request_id FROM credit_reservations WHERE status = 'settled'`,
        )
      ).rows.map((r) => r.request_id),
    );
    // ... or, a non-streaming call with ample headroom, charged once without a hold (decision 0030).
    const charged = new Set(charges.rows.map((r) => r.request_id));
    const unpaid = outcomes.filter((o) => o.ok && !settled.has(o.requestId!) && !charged.has(o.requestId!));
    expect(unpaid).toEqual([]);

    // balance == sum(entries) for every account, and the ledger's other invariants.
    const report = await verifyLedger(async (text, params) => (await sql.query(text, params)).rows);
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.reservations).toBeGreaterThan(0);
    expect(charges.rows.length).toBeGreaterThan(outcomes.length / 2);
    console.log(`scale-out load: ${JSON.stringify({ ...summary, expired: expired.length })}`);
  }, 60_000);
});
