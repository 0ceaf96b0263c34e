// Memory probe, preloaded into a gateway for memory work (see docs/performance.md#memory):
//   node --import ./bench/mem-probe.mjs [--expose-gc] dist/apps/gateway/src/main.js
// Every second it writes one JSON object to MEM_PROBE_FILE (default <tmpdir>/mem-probe-<pid>.json):
// VmRSS split into anonymous and file-backed pages, process.memoryUsage(), V8 heap spaces
// (used/committed MB), GC pauses by kind (count, ms) with a histogram of long ones, and the process
// CPU time since start. With --expose-gc, creating `<file>.gc` runs a full GC first (the file is
// removed), which tells live memory from garbage V8 has not collected yet.
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

const file = process.env.MEM_PROBE_FILE ?? join(tmpdir(), `mem-probe-${process.pid}.json`);
const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
const kinds = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
const gc = { minor: [0, 0], major: [0, 0], incremental: [0, 0], weakcb: [0, 0] };
const pauses = { over5ms: 0, over10ms: 0, over20ms: 0, maxMs: 0 };
let lastForcedGc = null;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const k = gc[kinds[e.detail?.kind]] ? kinds[e.detail.kind] : 'minor';
    gc[k][0]++;
    gc[k][1] += e.duration;
    if (e.duration > 5) pauses.over5ms++;
    if (e.duration > 10) pauses.over10ms++;
    if (e.duration > 20) pauses.over20ms++;
    pauses.maxMs = Math.max(pauses.maxMs, Math.round(e.duration));
  }
}).observe({ entryTypes: ['gc'] });

function statusMb(field) {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

setInterval(() => {
  if (existsSync(`${file}.gc`)) {
    unlinkSync(`${file}.gc`);
    if (typeof globalThis.gc === 'function') {
      globalThis.gc();
      lastForcedGc = new Date().toISOString();
    }
  }
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  const sample = {
    at: new Date().toISOString(),
    lastForcedGc,
    rss: mb(m.rss),
    rssAnon: statusMb('RssAnon'),
    rssFile: statusMb('RssFile'),
    heapTotal: mb(m.heapTotal),
    heapUsed: mb(m.heapUsed),
    external: mb(m.external),
    arrayBuffers: mb(m.arrayBuffers),
    malloced: mb(v8.getHeapStatistics().malloced_memory),
    spaces: Object.fromEntries(
      v8.getHeapSpaceStatistics().map((s) => [s.space_name, [mb(s.space_used_size), mb(s.space_size)]]),
    ),
    gc: Object.fromEntries(Object.entries(gc).map(([k, [n, ms]]) => [k, [n, Math.round(ms)]])),
    pauses,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
  writeFileSync(file, JSON.stringify(sample) + '\n');
}, 1000).unref();
