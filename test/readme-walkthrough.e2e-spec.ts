import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { consoleDirectory } from '../apps/gateway/src/console/console.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/**
 * The README's first walkthrough (open the gateway, log in, create a key, call chat with curl and
 * jq), run as written against a gateway, with the right password and with a wrong one.
 */
const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
const walkthrough = /Then, in another terminal:\n\n```bash\n([\s\S]*?)```/.exec(readme)?.[1];
const PASSWORD = 'readme-walkthrough-password';

/** Runs the snippet with bash (asynchronously: the gateway answers from this process). */
function run(gw: TestGateway, password: string): Promise<{ stdout: string; stderr: string }> {
  const script = walkthrough!
    .replaceAll('localhost:8080', new URL(gw.url).host)
    .replaceAll('<printed password>', password);
  return new Promise((resolvePromise) => {
    execFile('bash', ['-c', script], { encoding: 'utf8', timeout: 20_000 }, (_err, stdout, stderr) =>
      resolvePromise({ stdout, stderr }),
    );
  });
}

describe('the README walkthrough', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      env: { ADMIN_EMAIL: 'admin@switchyard.local', ADMIN_PASSWORD: PASSWORD, SIMULATOR: 'on' },
    });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("sends a person who opens the gateway's address to the console, or the API docs until it is built", async () => {
    const res = await fetch(`${gw.url}/`, { redirect: 'manual' });
    expect([res.status, res.headers.get('location')]).toEqual([302, consoleDirectory() ? '/admin' : '/docs']);
  });

  it('is in the README', () => {
    expect(walkthrough).toContain('<printed password>');
  });

  it('logs in, creates a key and gets a chat completion', async () => {
    const { stdout, stderr } = await run(gw, PASSWORD);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({ object: 'chat.completion', model: 'simulator/sim-gpt' });
  });

  it('says what went wrong on a wrong password instead of carrying on with null', async () => {
    const { stdout, stderr } = await run(gw, 'not-the-password');
    expect(stderr).toMatch(/login failed: .*(password|credentials)/i);
    expect(stderr).not.toContain('null');
    expect(stdout).not.toContain('chat.completion');
  });
});
