import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

/** The console's component tests (Vitest + Testing Library, in apps/admin) as part of `npm test`. */
describe('the console components', () => {
  it('pass their Vitest suite (forms, the stream reader)', async () => {
    const admin = resolve(import.meta.dirname, '../apps/admin');
    // npm may install vitest in the workspace's own node_modules or hoist it to the root.
    const vitest = [admin, resolve(admin, '../..')]
      .map((dir) => resolve(dir, 'node_modules/vitest/vitest.mjs'))
      .find((path) => existsSync(path))!;
    let output = '';
    try {
      const result = await promisify(execFile)(process.execPath, [vitest, 'run', '--reporter=dot'], {
        cwd: admin,
        env: { ...process.env, CI: 'true', NO_COLOR: '1' },
        maxBuffer: 16 * 1024 * 1024,
      });
      output = result.stdout;
    } catch (err) {
      const failed = err as { stdout?: string; stderr?: string };
      output = `${failed.stdout ?? ''}\n${failed.stderr ?? ''}`;
    }
    expect(output).toMatch(/Tests\s+\d+ passed/);
    expect(output).not.toMatch(/failed/);
  }, 300_000);
});
