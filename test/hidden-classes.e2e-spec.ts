import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type Simulator } from '../apps/simulator/src/index.js';
import { spawnGateway, type GatewayProcess } from './support/gateway-process.js';
import { createApiKey, login } from './support/session.js';
import { TEST_ADMIN } from './support/test-gateway.js';

/**
 * Decision 0032: each request and response is made with Express's prototypes from the start, so
 * Express's per-request `Object.setPrototypeOf` changes nothing and the objects share V8's hidden
 * classes. Before, every request and response ended with a hidden class of its own (a fresh one
 * for each property Express and the gateway added: tens of kilobytes of garbage a call, and
 * inline caches that never settle). A real gateway process, with V8's natives syntax and a
 * preload that keeps the finished requests, is asked whether the last ones share their class.
 */
describe('requests and responses share their hidden classes (real process)', () => {
  let sim: Simulator;
  let gw: GatewayProcess;
  let key: string;
  let admin: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, host: '127.0.0.1' });
    gw = await spawnGateway(
      {
        DATA_DIR: mkdtempSync(join(tmpdir(), 'sy-classes-')),
        SIMULATOR_URL: sim.url,
        ADMIN_EMAIL: TEST_ADMIN.email,
        ADMIN_PASSWORD: TEST_ADMIN.password,
        SIGNUP_CREDITS: '5',
        LOG_REQUESTS: 'false',
      },
      60_000,
      ['--allow-natives-syntax', '--require', resolve(import.meta.dirname, 'fixtures/hidden-classes.cjs')],
    );
    admin = (await login(gw.url, TEST_ADMIN.email, TEST_ADMIN.password)).access_token;
    key = (await createApiKey(gw.url, admin)).key;
  }, 90_000);

  afterAll(async () => {
    if (gw && gw.child.exitCode === null) {
      gw.child.kill('SIGTERM');
      await gw.exited;
    }
    await sim?.close();
  });

  const call = async (path: string, init: RequestInit = {}): Promise<number> => {
    const res = await fetch(`${gw.url}${path}`, init);
    await res.arrayBuffer();
    return res.status;
  };

  it('on the hot chat route (a charged call) and on a Nest controller route', async () => {
    const chat = {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim-gpt', max_tokens: 4, messages: [{ role: 'user', content: 'hi' }] }),
    };
    const models = { headers: { authorization: `Bearer ${key}` } };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push(await call('/v1/chat/completions', chat), await call('/v1/models', models));
    }
    expect(new Set(statuses)).toEqual(new Set([200]));
    const report = (await (await fetch(`${gw.url}/__test/hidden-classes`)).json()) as Record<
      string,
      { calls: number; requests: boolean; responses: boolean }
    >;
    expect(report['/v1/chat/completions']).toEqual({ calls: 10, requests: true, responses: true });
    expect(report['/v1/models']).toEqual({ calls: 10, requests: true, responses: true });
  }, 60_000);
});
