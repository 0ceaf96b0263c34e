import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/** Documentation claims that the code or the deployment files can check. */
const root = resolve(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** The /v1 routes a lib's controllers declare (`@Controller('v1/x')` + `@Post('y')`). */
function v1Routes(lib: string): string[] {
  const dir = join(root, 'libs', lib, 'src');
  const routes: string[] = [];
  for (const file of readdirSync(dir, { recursive: true }) as string[]) {
    if (!file.endsWith('.controller.ts')) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    const base = /@Controller\('([^']*)'\)/.exec(text)?.[1];
    if (!base?.startsWith('v1/')) continue;
    for (const [, path] of text.matchAll(/@Post\('([^']*)'\)/g)) routes.push(`/${base}/${path}`);
  }
  return routes;
}

describe('the documentation', () => {
  it('tells how to provide every variable docker-compose.yml requires, where it tells how to run compose', () => {
    const required = [...read('docker-compose.yml').matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]!);
    expect(required).toContain('VAULT_MASTER_KEY');
    for (const doc of ['README.md', 'docs/operations.md']) {
      const text = read(doc);
      expect(text).toContain('docker compose up -d');
      for (const name of required) expect([doc, text.includes(`${name}=`)]).toEqual([doc, true]);
    }
  });

  it('names the image and audio endpoints the gateway serves as served in docs/providers.md', () => {
    const served = [...v1Routes('images'), ...v1Routes('audio')];
    expect(served).toEqual(
      expect.arrayContaining(['/v1/images/generations', '/v1/audio/speech', '/v1/audio/transcriptions']),
    );
    const providers = read('docs/providers.md');
    for (const route of served) expect(providers).toContain(route);
    expect(providers).not.toMatch(/do not serve those operations|not served/);
  });
});
