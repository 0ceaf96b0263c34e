import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, sep } from 'node:path';

/**
 * A new embedded database directory, made without running initdb in the gateway's process.
 *
 * PGlite's initdb runs a second Postgres instance and the initdb program in WebAssembly next to
 * the first, snapshots a whole instance heap, and dumps the new cluster through memory: the
 * process peaks at about 800 MB, and WebAssembly memory is never given back, so a gateway that
 * ran it stayed at ~900 MB. Instead, initdb runs once in a short-lived child process, into a
 * template kept per PGlite version in `node_modules/.cache/switchyard/` (every later new data
 * directory, e.g. each test's, is a copy of it: no initdb at all); where that cache cannot be
 * written (a read-only image), the child initializes the data directory itself.
 */
export async function initializeEmbeddedDirectory(
  dir: string,
  log: (message: string) => void = () => undefined,
): Promise<void> {
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const template = templateDirectory(pglite);
  if (template && !existsSync(join(template, 'PG_VERSION'))) {
    log('Creating the embedded database template (initdb, once per PGlite version; about 15 s)...');
    try {
      await createTemplate(pglite, template);
    } catch (err) {
      log(
        `Could not keep a template in ${dirname(template)} (${(err as Error).message}); initializing in place.`,
      );
    }
  }
  if (template && existsSync(join(template, 'PG_VERSION'))) {
    copyCluster(template, dir);
    return;
  }
  log('Initializing the embedded database (initdb; about 15 s)...');
  await runInitdb(pglite, dir);
}

/** `node_modules/.cache/switchyard/pglite-<version>`, next to the PGlite that will open it. */
function templateDirectory(pglite: string): string | undefined {
  const marker = `${sep}node_modules${sep}`;
  const at = pglite.lastIndexOf(marker);
  if (at < 0) return undefined;
  const packageDir = dirname(dirname(pglite));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return join(pglite.slice(0, at + marker.length - 1), '.cache', 'switchyard', `pglite-${version}`);
}

/** initdb into a private directory, then renamed into place, so a template is whole or absent. */
async function createTemplate(pglite: string, template: string): Promise<void> {
  mkdirSync(dirname(template), { recursive: true });
  const scratch = join(dirname(template), `.${basename(template)}-${process.pid}-${Date.now()}`);
  try {
    await runInitdb(pglite, scratch);
    try {
      renameSync(scratch, template);
    } catch (err) {
      // Another process (a parallel test worker) made it first: use theirs.
      if (!existsSync(join(template, 'PG_VERSION'))) throw err;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Copies a cluster into `dir`; PG_VERSION last, so an interrupted copy is not taken for a cluster. */
function copyCluster(template: string, dir: string): void {
  cpSync(template, dir, { recursive: true, filter: (source) => source !== join(template, 'PG_VERSION') });
  cpSync(join(template, 'PG_VERSION'), join(dir, 'PG_VERSION'));
}

/** Runs PGlite's initdb for `dir` in a child process, whose memory goes back when it exits. */
function runInitdb(pglite: string, dir: string): Promise<void> {
  const script =
    'const { PGlite } = require(process.argv[1]);' +
    'PGlite.create(process.argv[2]).then((db) => db.close()).then(' +
    '() => process.exit(0), (e) => { console.error(String((e && e.message) || e)); process.exit(1); });';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, pglite, dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 && existsSync(join(dir, 'PG_VERSION'))
        ? resolve()
        : reject(new Error(`initdb exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`)),
    );
  });
}
