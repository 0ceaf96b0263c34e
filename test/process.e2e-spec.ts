import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from '@jest/globals';
import { consoleDirectory } from '../apps/gateway/src/console/console.js';
import { runGatewayToExit, spawnGateway } from './support/gateway-process.js';

async function installationIdIn(dataDir: string): Promise<string> {
  const db = await PGlite.create(join(dataDir, 'pg'));
  try {
    const { rows } = await db.query<{ value: { id: string } }>(
      `SELECT value FROM settings WHERE key = 'installation'`,
    );
    return rows[0]!.value.id;
  } finally {
    await db.close();
  }
}

describe('the gateway process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to start on invalid configuration, naming every bad variable once and without a stack', async () => {
    const { code, output } = await runGatewayToExit({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://root@localhost/x',
      LOG_LEVEL: 'loud',
      MAX_BODY_BYTES: '12',
    });
    expect(code).toBe(1);
    expect(output).toContain('Invalid configuration');
    expect(output).toMatch(/PORT must be an integer port number \(got "eighty"\)/);
    expect(output).toMatch(/DATABASE_URL must be a postgres:\/\/ URL/);
    expect(output).toMatch(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/);
    expect(output).toMatch(/MAX_BODY_BYTES/);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('keeps the embedded data across a graceful restart and a SIGKILL', async () => {
    const first = await spawnGateway({ DATA_DIR: dataDir });
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const id = await installationIdIn(dataDir);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const second = await spawnGateway({ DATA_DIR: dataDir });
    await fetch(`${second.url}/api/v1/health/ready`).then((r) => expect(r.status).toBe(200));
    second.child.kill('SIGKILL');
    await second.exited;

    // A crash leaves a stale lock behind; the next start reclaims it and finds the same data.
    const third = await spawnGateway({ DATA_DIR: dataDir });
    expect((await fetch(`${third.url}/api/v1/health/ready`)).status).toBe(200);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(await installationIdIn(dataDir)).toBe(id);
  }, 60_000);

  it('prints a generated admin password once, last, with where to sign in; it logs in; never again', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'sy-bootstrap-'));
    try {
      // No LOG_FORMAT, no NODE_ENV: a person at a terminal, who gets readable lines.
      const first = await spawnGateway({ DATA_DIR: fresh });
      // The banner follows the listening line through the same (asynchronous) log stream.
      for (
        let i = 0;
        i < 100 && !first.lines.some((l) => l.startsWith('===') && first.lines.indexOf(l) > 0);
        i++
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 300));
      const line = first.lines.find((l) => l.includes('password:'));
      const password = line?.split('password:')[1]?.trim();
      expect(password).toMatch(/^[0-9A-Za-z]{20,}$/);
      // One readable line per event, and not Nest's line per module and route: a screenful.
      expect(first.lines.filter((l) => l.startsWith('{'))).toEqual([]);
      expect(first.lines.join('\n')).not.toMatch(/InstanceLoader|RouterExplorer|Mapped \{/);
      const listening = first.lines.findIndex((l) => l.includes('listening on'));
      expect(listening).toBeLessThan(15);
      expect(first.lines[listening]).toMatch(
        /^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[Bootstrap\] Switchyard is listening on/,
      );
      // The banner is the last thing printed, with the address of the docs (and of the console once built).
      const docs = `${first.url.replace('127.0.0.1', 'localhost')}/docs`;
      const last = first.lines.slice(listening + 1);
      expect(last[0]).toMatch(/^=+$/);
      expect(last.at(-1)).toMatch(/^=+$/);
      expect(last.join('\n')).toContain(`API docs: ${docs}`);
      // The gateway's address leads there too.
      const entry = await fetch(`${first.url}/`, { redirect: 'manual' });
      expect([entry.status, entry.headers.get('location')]).toEqual([
        302,
        consoleDirectory() ? '/admin' : '/docs',
      ]);
      const res = await fetch(`${first.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@switchyard.local', password }),
      });
      expect(res.status).toBe(200);
      // The password is in no log line, only in the banner.
      expect(first.lines.filter((l) => l.includes(password!))).toEqual([line]);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);

      const second = await spawnGateway({ DATA_DIR: fresh });
      second.child.kill('SIGTERM');
      await second.exited;
      expect(second.lines.join('\n')).not.toContain('password:');
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses a second process on the same embedded data dir with a clear message', async () => {
    const owner = await spawnGateway({ DATA_DIR: dataDir });
    try {
      const { code, output } = await runGatewayToExit({ DATA_DIR: dataDir, PORT: '0' });
      expect(code).toBe(1);
      expect(output).toContain(`is in use by process ${owner.child.pid}`);
    } finally {
      owner.child.kill('SIGTERM');
      await owner.exited;
    }
  }, 60_000);

  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    const gw = await spawnGateway({ DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: '5000' });
    const { port } = new URL(gw.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const body = JSON.stringify({ hello: 'world' });
    // Headers and half the body now; the rest after the shutdown has begun.
    socket.write(
      `POST /v1/not-a-route HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    let response = '';
    socket.on('data', (c: Buffer) => (response += c.toString()));
    await new Promise((r) => setTimeout(r, 200));
    gw.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    socket.write(body.slice(5));
    expect(await gw.exited).toBe(0);
    expect(response).toMatch(/^HTTP\/1\.1 404/);
    expect(response).toContain('"code":"unknown_url"');
    socket.destroy();
  }, 60_000);

  it('logs JSON lines that carry the request id, the status and never the credentials', async () => {
    const gw = await spawnGateway({ DATA_DIR: dataDir, LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    await fetch(`${gw.url}/v1/models-nowhere`, {
      headers: {
        authorization: 'Bearer sk-sy-supersecretvalue',
        'x-api-key': 'sk-sy-anothersecret',
        'x-provider-key': 'sk-provider-secret',
        cookie: 'session=abc',
        'x-request-id': 'log-test-1',
      },
    });
    gw.child.kill('SIGTERM');
    await gw.exited;
    const requestLines = gw.lines.filter((l) => l.includes('log-test-1'));
    expect(requestLines.length).toBeGreaterThan(0);
    for (const line of requestLines) expect(() => JSON.parse(line)).not.toThrow();
    const all = gw.lines.join('\n');
    for (const secret of ['supersecretvalue', 'anothersecret', 'sk-provider-secret', 'session=abc']) {
      expect(all).not.toContain(secret);
    }
    // The request is logged by id, method and URL; headers are never copied into log lines.
    const logged = requestLines
      .map((l) => JSON.parse(l) as { req?: { method?: string }; res?: unknown; error?: unknown })
      .find((l) => l.req?.method);
    expect(logged?.req).toEqual({ id: 'log-test-1', method: 'GET', url: '/v1/models-nowhere' });
    // The access line carries the status and what went wrong.
    expect(logged?.res).toEqual({ statusCode: 404 });
    expect(logged?.error).toEqual({ type: 'invalid_request_error', code: 'unknown_url' });
  }, 60_000);
});
