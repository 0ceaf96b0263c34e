import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import semver from 'semver';

/**
 * The dependency tree must install cleanly on the Node the project declares: `npm ci` accepts the
 * lock (every dependency of every locked package, other platforms' optional builds included, is
 * locked at a version its range accepts), and no locked package asks for a newer Node than
 * package.json's `engines.node` allows (npm's EBADENGINE warning).
 */
const root = resolve(import.meta.dirname, '..');

interface Manifest {
  version?: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  overrides?: Record<string, string>;
  link?: boolean;
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, Manifest>;
};

/** Where Node (and npm) find `name` from the package installed at `from`: up the node_modules chain. */
function resolveInLock(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

function accepts(range: string, version: string): boolean {
  // Aliases, tags, URLs and paths are npm's to resolve; only plain semver ranges are checked.
  if (!semver.validRange(range)) return true;
  return semver.satisfies(version, range, { includePrerelease: true });
}

describe('the dependency tree', () => {
  it('declares Node 20 as supported', () => {
    expect(pkg.engines?.node).toBeDefined();
    expect(semver.minVersion(pkg.engines!.node!)!.major).toBe(20);
  });

  it('has a lock in step with package.json', () => {
    expect(lock.lockfileVersion).toBe(3);
    const rootEntry = lock.packages['']!;
    expect(rootEntry.dependencies).toEqual(pkg.dependencies);
    expect(rootEntry.devDependencies).toEqual(pkg.devDependencies);
  });

  it('locks every dependency npm ci needs, at a version its range accepts', () => {
    const problems: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (entry.link) continue;
      const wanted: Record<string, string> = {
        ...(path === '' ? pkg.devDependencies : {}),
        ...entry.dependencies,
        ...entry.optionalDependencies,
      };
      for (const [name, range] of Object.entries(entry.peerDependencies ?? {})) {
        if (!entry.peerDependenciesMeta?.[name]?.optional) wanted[name] = range;
      }
      for (const [name, declared] of Object.entries(wanted)) {
        const range = pkg.overrides?.[name] ?? declared;
        const found = resolveInLock(path, name);
        if (!found) problems.push(`${path || 'package.json'} needs ${name}@${range}: not in the lock`);
        else if (!accepts(range, lock.packages[found]!.version!))
          problems.push(
            `${path || 'package.json'} needs ${name}@${range}: locked ${lock.packages[found]!.version}`,
          );
      }
    }
    expect(problems).toEqual([]);
  });

  it('has no package that needs a newer Node than the one package.json declares (EBADENGINE)', () => {
    const declared = semver.minVersion(pkg.engines!.node!)!.version;
    const problems: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const node = entry.engines?.node;
      if (path && node && semver.validRange(node) && !semver.satisfies(declared, node))
        problems.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} needs node ${node}`);
    }
    expect(problems).toEqual([]);
  });

  it('installs with every dependency install script reviewed, and Scarf telemetry denied', () => {
    const allow = (pkg as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};
    const withScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path && (entry as { hasInstallScript?: boolean }).hasInstallScript)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));
    for (const name of withScripts) expect([name, typeof allow[name]]).toEqual([name, 'boolean']);
    if (withScripts.includes('@scarf/scarf')) expect(allow['@scarf/scarf']).toBe(false);
  });
});
