import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnGateway, type GatewayProcess } from './support/gateway-process.js';

/**
 * `npm start` with no configuration (the embedded PGlite), as a person runs it: the gateway
 * process on a new data directory must peak under 400 MB and settle under 300 MB, and so must a
 * restart. See docs/performance.md (Memory: the embedded database).
 */
const root = resolve(import.meta.dirname, '..');
const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } })
  .scripts.start;
/** The node flags `npm start` runs the gateway with. */
const nodeArgs = /\bnode ((?:--\S+\s+)*)dist\/apps\/gateway\/src\/main\.js/
  .exec(start)![1]!
  .split(/\s+/)
  .filter(Boolean);

const MB = 1024;
function memory(gw: GatewayProcess): { peak: number; rss: number } {
  const status = readFileSync(`/proc/${gw.child.pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
  return { peak: Math.round(kb('VmHWM') / MB), rss: Math.round(kb('VmRSS') / MB) };
}

async function measure(dataDir: string): Promise<{ peak: number; rss: number }> {
  // A first start may wait for initdb (a child process) under a loaded machine.
  const gw = await spawnGateway({ DATA_DIR: dataDir }, 120_000, nodeArgs);
  try {
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await fetch(`${gw.url}/api/v1/health/ready`)).status).toBe(200);
    return memory(gw);
  } finally {
    gw.child.kill('SIGTERM');
    await gw.exited;
  }
}

describe('the embedded gateway (npm start) memory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-memory-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs with the flags npm start gives it', () => {
    expect(nodeArgs).toEqual(expect.arrayContaining(['--optimize-for-size', '--v8-pool-size=1']));
  });

  it('peaks under 400 MB on a first start and settles under 300 MB; a restart too', async () => {
    const first = await measure(dataDir);
    expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    const again = await measure(dataDir);
    console.log(
      `embedded gateway RSS: first start peak ${first.peak} MB, then ${first.rss} MB; restart ${again.peak} / ${again.rss} MB`,
    );
    expect(first.peak).toBeLessThan(400);
    expect(first.rss).toBeLessThan(300);
    expect(again.peak).toBeLessThan(400);
    expect(again.rss).toBeLessThan(300);
  }, 300_000);
});
