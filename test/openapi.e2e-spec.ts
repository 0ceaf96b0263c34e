import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

/**
 * The committed OpenAPI document (apps/admin/openapi.json) and the console's types generated from
 * it (apps/admin/src/api/schema.d.ts) match what the code serves; `npm run openapi` updates both.
 */
describe('the OpenAPI document', () => {
  it('is in step with the code, and so are the console API types', async () => {
    const root = resolve(import.meta.dirname, '..');
    // dist/ was just built by the integration tests' global setup.
    const run = promisify(execFile)(process.execPath, ['scripts/openapi.mjs', '--check', '--no-build'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '' },
    });
    await expect(run.then(() => 'up to date')).resolves.toBe('up to date');
  }, 180_000);
});
