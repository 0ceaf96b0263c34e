// Regenerates the committed OpenAPI document (apps/admin/openapi.json) and the console's API types
// (apps/admin/src/api/schema.d.ts) from the gateway's code. Run after changing an endpoint or DTO;
// test/openapi.e2e-spec.ts fails while they differ from what the code serves.
// Boots the built gateway on an embedded database in a temp dir (no Postgres needed); nothing listens.
// `--check` writes nothing and exits 1 naming the files that are out of date; `--no-build` uses dist/ as is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openApiJson, openApiTypes } from './openapi-types.mjs';

const root = resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');
if (!process.argv.includes('--no-build')) {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'ignore' });
}
const { createApp } = await import(join(root, 'dist/apps/gateway/src/app.factory.js'));
const { buildOpenApiDocument } = await import(join(root, 'dist/apps/gateway/src/swagger.js'));

const dataDir = mkdtempSync(join(tmpdir(), 'sy-openapi-'));
const app = await createApp({
  isolated: true,
  overrides: {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATA_DIR: dataDir,
    DATABASE_URL: undefined,
    ADMIN_EMAIL: 'admin@openapi.switchyard',
    ADMIN_PASSWORD: 'openapi-generator-password',
    JWT_SECRET: 'openapi-generator-secret-that-is-long-enough-0123456789',
  },
});
try {
  const document = buildOpenApiDocument(app);
  const files = {
    'apps/admin/openapi.json': openApiJson(document),
    'apps/admin/src/api/schema.d.ts': await openApiTypes(document),
  };
  const stale = [];
  for (const [path, text] of Object.entries(files)) {
    let current = '';
    try {
      current = readFileSync(join(root, path), 'utf8');
    } catch {
      current = '';
    }
    if (current === text) continue;
    stale.push(path);
    if (!check) writeFileSync(join(root, path), text);
  }
  if (check && stale.length) {
    console.error(`out of date with the API: ${stale.join(', ')}. Run \`npm run openapi\` and commit them.`);
    process.exitCode = 1;
  } else {
    console.log(
      stale.length ? `wrote ${stale.join(', ')}` : 'the OpenAPI document and API types are up to date',
    );
  }
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
