// Builds the console (apps/admin, React + Vite) into apps/admin/dist, which the gateway serves at
// /admin. Skipped when the build is newer than every source file, so `npm start` stays quick.
// `--force` always builds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const admin = join(root, 'apps', 'admin');
const built = join(admin, 'dist', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist') continue;
    latest = Math.max(latest, newest(join(path, name)));
  }
  return latest;
}

const inputs = ['src', 'index.html', 'vite.config.ts', 'package.json', 'scripts'].map((p) => join(admin, p));
const upToDate =
  !process.argv.includes('--force') &&
  existsSync(built) &&
  statSync(built).mtimeMs >= Math.max(...inputs.filter(existsSync).map(newest));
if (upToDate) {
  console.log('console: up to date (apps/admin/dist)');
} else {
  // npm may install vite in the workspace's own node_modules or hoist it to the root.
  const vite = [admin, root]
    .map((dir) => join(dir, 'node_modules', 'vite', 'bin', 'vite.js'))
    .find(existsSync);
  if (!vite) throw new Error('vite is not installed: run npm install');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: admin,
    stdio: 'inherit',
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  console.log('console: built into apps/admin/dist');
}
