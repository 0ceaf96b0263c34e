import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSimulator, type Simulator } from '../apps/simulator/src/index.js';
import { createTestDatabase } from './support/databases.js';
import { spawnGateway, type GatewayProcess } from './support/gateway-process.js';
import { createApiKey, login } from './support/session.js';
import { TEST_ADMIN } from './support/test-gateway.js';

/**
 * Decision 0040: the gateway turns V8's allocation-site pretenuring off for itself, first thing,
 * however it is started. A real process with V8's pretenuring trace prints every decision to
 * tenure a site; under a few hundred charged calls a gateway with pretenuring on makes some, and
 * one with it off (the default) none.
 */
describe('V8 settings of the gateway process', () => {
  let sim: Simulator;
  const running: GatewayProcess[] = [];
  const drops: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    for (const gw of running.splice(0)) {
      if (gw.child.exitCode === null) {
        gw.child.kill('SIGTERM');
        await gw.exited;
      }
    }
    for (const drop of drops.splice(0)) await drop();
  });
  afterAll(async () => {
    await sim?.close();
  });

  /** Decisions to tenure a site made once the gateway's own code ran: at boot and under calls. */
  const tenured = async (nodeArgs: string[]): Promise<string[]> => {
    const db = await createTestDatabase();
    drops.push(db.drop);
    const gw = await spawnGateway(
      {
        DATABASE_URL: db.url,
        SIMULATOR_URL: sim.url,
        ADMIN_EMAIL: TEST_ADMIN.email,
        ADMIN_PASSWORD: TEST_ADMIN.password,
        JWT_SECRET: 'v8-tuning-test-secret-at-least-32-chars',
        SIGNUP_CREDITS: '5',
        LOG_REQUESTS: 'false',
        // The first-log-line search below reads the pretty format's `[Context] ` tag.
        LOG_FORMAT: 'pretty',
      },
      60_000,
      ['--trace-pretenuring-statistics', ...nodeArgs],
    );
    running.push(gw);
    const admin = (await login(gw.url, TEST_ADMIN.email, TEST_ADMIN.password)).access_token;
    const { key } = await createApiKey(gw.url, admin);
    const call = async (): Promise<void> => {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'sim-gpt',
          max_tokens: 4,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    };
    for (let i = 0; i < 60; i++) await Promise.all(Array.from({ length: 8 }, call));
    // Decisions printed before the gateway's first log line were made while Node loaded the
    // module graph, before any module (this setting's included) ran: the loader's own sites.
    const first = gw.lines.findIndex((line) => /\[[A-Za-z]+\] /.test(line) && !line.includes('pretenuring'));
    expect(first).toBeGreaterThanOrEqual(0);
    return gw.lines.slice(first).filter((line) => /pretenuring: AllocationSite.*=> tenure$/.test(line));
  };

  it('allocation-site pretenuring is off: no site is tenured, at boot or under calls', async () => {
    expect(await tenured([])).toEqual([]);
  }, 90_000);

  it('an operator can have it back with --allocation-site-pretenuring (sites are then tenured)', async () => {
    expect((await tenured(['--allocation-site-pretenuring'])).length).toBeGreaterThan(0);
  }, 90_000);
});

/**
 * Decision 0049: importing the gateway's V8 settings raises TurboFan's inlining budget. A real
 * Node process with V8's inlining trace optimizes a function that calls three others of ~340
 * bytes of bytecode each: under V8's default budget (920) two of them are inlined, under the
 * gateway's (2,400) all three; an operator's own value on the command line wins.
 */
describe("V8's inlining budget", () => {
  const TUNING = pathToFileURL(resolve(import.meta.dirname, '../dist/apps/gateway/src/v8-tuning.js')).href;
  const program = (withTuning: boolean): string => `
    ${withTuning ? `await import(${JSON.stringify(TUNING)});` : ''}
    const body = (k) => Array.from({ length: 30 }, (_, i) => 'x = (x * 31 + ' + (k * 100 + i) + ') | 0;').join('\\n');
    const source = [1, 2, 3].map((k) => 'function callee' + k + '(x) {\\n' + body(k) + '\\nreturn x;\\n}').join('\\n')
      + '\\nreturn function outer(x) { return callee1(x) + callee2(x + 1) + callee3(x + 2); };';
    const outer = new Function(source)();
    let total = 0;
    for (let i = 0; i < 200000; i++) total += outer(i);
    console.log('total', total);
  `;
  /** The callees TurboFan inlined into `outer`, by name. */
  const inlined = (withTuning: boolean, nodeArgs: string[] = []): Set<string> => {
    const out = execFileSync(
      process.execPath,
      ['--trace-turbo-inlining', ...nodeArgs, '--input-type=module', '-e', program(withTuning)],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    expect(out).toMatch(/^total /m);
    return new Set(
      [
        ...out.matchAll(/^Inlining .*<SharedFunctionInfo (callee\d)>.* into .*<SharedFunctionInfo outer>/gm),
      ].map((m) => m[1]!),
    );
  };

  it("V8 alone inlines only part of the path; with the gateway's settings all of it", () => {
    const without = inlined(false);
    expect(without.size).toBeGreaterThan(0);
    expect(without.size).toBeLessThan(3);
    expect([...inlined(true)].sort()).toEqual(['callee1', 'callee2', 'callee3']);
  });

  it('an operator who sets the budget keeps it', () => {
    expect(inlined(true, ['--max-inlined-bytecode-size-cumulative=920']).size).toBeLessThan(3);
  });
});
