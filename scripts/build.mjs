// Compiles apps/, libs/ and migrations/ to dist/ with swc (path aliases rewritten to relative
// ESM imports). Type checking is `npm run typecheck`; this step only emits, so it takes a second.
import { transformFile } from '@swc/core';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { swcOptions } from './swc-options.mjs';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'dist');
const sources = ['apps', 'libs', 'migrations'];
const skip = /(\.spec|\.e2e-spec|\.d)\.ts$/;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'admin' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

rmSync(out, { recursive: true, force: true });
const jobs = [];
for (const top of sources) {
  const dir = join(root, top);
  try {
    statSync(dir);
  } catch {
    continue;
  }
  for (const file of walk(dir)) {
    const rel = relative(root, file);
    const target = join(out, rel);
    if (file.endsWith('.ts') && !skip.test(file)) {
      jobs.push(
        transformFile(file, { ...swcOptions(), filename: file }).then(({ code, map }) => {
          const js = target.replace(/\.ts$/, '.js');
          mkdirSync(dirname(js), { recursive: true });
          writeFileSync(js, map ? `${code}\n//# sourceMappingURL=${js.split('/').pop()}.map\n` : code);
          if (map) writeFileSync(`${js}.map`, map);
        }),
      );
    } else if (file.endsWith('.json') || file.endsWith('.html')) {
      mkdirSync(dirname(target), { recursive: true });
      cpSync(file, target);
    }
  }
}
await Promise.all(jobs);
writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
console.log(`built ${jobs.length} files into dist/`);
