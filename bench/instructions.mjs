#!/usr/bin/env node
// Instructions per call, counted by valgrind's callgrind: the gateway's, the reference proxy's and
// the floor's, one plain call at a time, as the bench's c1 loop sends them. A timer on a shared
// host reads the host's state as much as the build's; an instruction count is the same from one
// run to the next (within 1-2% between windows once V8's compilers have settled), so two builds'
// counts compare without pairing turns. It does not replace `npm run bench` (cache misses, the
// kernel and the other processes are not in it); it says where a call's instructions go.
//
//   node bench/instructions.mjs [--warm 15000] [--calls 1000] [--windows 5] [--top 40]
//       [--targets gateway,reference,floor]
//
// Holds the bench's services (`BENCH_HOLD=1 node bench/run.mjs`, Postgres only), starts a copy of
// each target under `valgrind --tool=callgrind` with the held one's environment and flags (plus
// V8's `--perf-basic-prof`, so generated code is named), drives it over HTTP, counts `--windows`
// windows of `--calls` calls after `--warm` calls, and prints per window the main thread's and
// all threads' instructions per call, then the last window's heaviest JavaScript functions,
// inclusive. Needs `npm run build` and valgrind (on every machine here). Output files go to
// BENCH_OUTPUT_DIR (default: a fresh directory under the system's temporary directory).
import { spawn, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a, i, all) => (a.startsWith('--') ? [a.slice(2), all[i + 1]] : null))
    .filter(Boolean),
);
const WARM = Number(args.warm ?? 15000);
const CALLS = Number(args.calls ?? 1000);
const WINDOWS = Number(args.windows ?? 5);
const TOP = Number(args.top ?? 40);
const TARGETS = (args.targets ?? 'gateway,reference,floor').split(',');
const OUT = process.env.BENCH_OUTPUT_DIR ?? mkdtempSync(join(tmpdir(), 'sy-instructions-'));
mkdirSync(OUT, { recursive: true });

const log = (...a) => console.error('[instructions]', ...a);

/** Starts the held bench and resolves with its JSON line (URLs, the gateway's pid and key) and its process. */
function holdBench() {
  return new Promise((resolve, reject) => {
    // The held bench's own log (and its services' output when they stop) goes to a file.
    const benchLog = openSync(join(OUT, 'held-bench.log'), 'w');
    const child = spawn(process.execPath, [join(ROOT, 'bench/run.mjs')], {
      cwd: ROOT,
      env: { ...process.env, BENCH_HOLD: '1', BENCH_REDIS: '0' },
      stdio: ['ignore', 'pipe', benchLog],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{"gateways"'));
      if (line) resolve({ child, held: JSON.parse(line) });
    });
    child.on('exit', (code) => reject(new Error(`the held bench exited (${code}) before it was ready`)));
  });
}

/** A child of `parent` whose command line contains `needle`: its pid, argv and environment. */
function processOf(parent, needle) {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (ppid !== parent || !argv.some((a) => a.includes(needle))) continue;
      const env = Object.fromEntries(
        readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      return { pid: Number(pid), argv, env };
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no child of ${parent} runs ${needle}`);
}

/** The target's copy under callgrind; resolves once it listens, with its URL and pid. */
function underCallgrind(name, proc) {
  // The held process's node flags and script; large pages do not map under valgrind.
  const [, ...rest] = proc.argv;
  const flags = rest.filter((a) => a.startsWith('--') && !a.startsWith('--use-largepages'));
  const script = rest.filter((a) => !a.startsWith('--'));
  // vgdb names its pipes after USER and HOST, which callgrind_control must then match.
  const env = { ...proc.env, PORT: '0', USER: 'sy', HOST: '127.0.0.1' };
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--vgdb=yes',
      '--instr-atstart=no',
      '--smc-check=all-non-file',
      '--separate-threads=yes',
      `--callgrind-out-file=${join(OUT, name)}.%p.out`,
      process.execPath,
      ...flags,
      '--perf-basic-prof',
      '--interpreted-frames-native-stack',
      ...script,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const seen = (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s"]+)/.exec(out);
      if (m) resolve({ child, pid: child.pid, url: m[1].replace('localhost', '127.0.0.1'), env });
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) =>
      reject(new Error(`${name} under callgrind exited (${code}): ${out.slice(-2000)}`)),
    );
  });
}

const BODY = JSON.stringify({
  model: 'sim-gpt',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'hello there' }],
});

/** `n` plain calls, one at a time, on one keep-alive connection. */
async function calls(url, key, n, agent) {
  const u = new URL('/v1/chat/completions', url);
  for (let i = 0; i < n; i++) {
    await new Promise((resolve, reject) => {
      const req = http.request(
        u,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${key}`,
            'content-length': Buffer.byteLength(BODY),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(BODY);
    });
  }
}

const control = (target, ...a) =>
  execFileSync('callgrind_control', [...a, String(target.pid)], {
    env: { ...process.env, USER: target.env.USER, HOST: target.env.HOST },
    stdio: ['ignore', 'ignore', 'pipe'],
  });

/** The `totals:` of one callgrind output file. */
const totalOf = (file) => Number(/^totals: (\d+)/m.exec(readFileSync(file, 'utf8'))?.[1] ?? 0);

/** Names generated code in a callgrind file from V8's perf map (`/tmp/perf-<pid>.map`). */
function resolveNames(mapFile, file, outFile) {
  const entries = readFileSync(mapFile, 'utf8')
    .split('\n')
    .map((l) => /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(l))
    .filter(Boolean)
    .map((m) => [BigInt(`0x${m[1]}`), BigInt(`0x${m[2]}`), m[3]]);
  const cache = new Map();
  const look = (addr) => {
    if (!cache.has(addr)) {
      const a = BigInt(addr);
      let name = null;
      // Later entries win: code moves and its space is reused.
      for (let i = entries.length - 1; i >= 0 && name === null; i--)
        if (a >= entries[i][0] && a < entries[i][0] + entries[i][1]) name = entries[i][2];
      cache.set(addr, name);
    }
    return cache.get(addr);
  };
  const text = readFileSync(file, 'utf8').replace(/^(c?fn=\(\d+\)) (0x[0-9a-f]+)$/gm, (all, pre, addr) => {
    const name = look(addr);
    return name ? `${pre} ${name.replace(/\s+/g, ' ')}` : all;
  });
  writeFileSync(outFile, text);
}

async function main() {
  log(`output in ${OUT}`);
  const { child: bench, held } = await holdBench();
  const key = held.key;
  const wanted = {
    gateway: 'dist/apps/gateway/src/main.js',
    reference: 'bench/reference-proxy.mjs',
    floor: 'bench/floor-proxy.mjs',
  };
  const started = [];
  const report = [];
  try {
    for (const name of TARGETS) {
      const target = await underCallgrind(name, processOf(bench.pid, wanted[name]));
      started.push(target);
      log(`${name} under callgrind at ${target.url} (pid ${target.pid}); warming with ${WARM} calls`);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      await calls(target.url, key, WARM, agent);
      const windows = [];
      for (let w = 1; w <= WINDOWS; w++) {
        control(target, '-z');
        control(target, '-i', 'on');
        await calls(target.url, key, CALLS, agent);
        control(target, '-i', 'off');
        control(target, '-d');
        const prefix = `${join(OUT, name)}.${target.pid}.out.${w}`;
        const files = readdirSync(OUT)
          .filter((f) => join(OUT, f).startsWith(`${prefix}-`))
          .map((f) => join(OUT, f));
        const main = totalOf(`${prefix}-01`);
        const all = files.reduce((sum, f) => sum + totalOf(f), 0);
        windows.push({ main: Math.round(main / CALLS), all: Math.round(all / CALLS), file: `${prefix}-01` });
        log(
          `${name} window ${w}: ${windows.at(-1).main} instructions per call (main thread), ${windows.at(-1).all} (all threads)`,
        );
      }
      agent.destroy();
      const last = windows.at(-1).file;
      const map = `/tmp/perf-${target.pid}.map`;
      if (existsSync(map)) resolveNames(map, last, `${last}.named`);
      report.push({ name, windows, named: existsSync(`${last}.named`) ? `${last}.named` : last });
      target.child.kill('SIGTERM');
    }
  } finally {
    for (const t of started) t.child.kill('SIGTERM');
    bench.kill('SIGTERM');
  }

  const sorted = (v) => [...v].sort((a, b) => a - b);
  console.log('\n| target | instructions per call, main thread (windows) | min | all threads (min) |');
  console.log('|---|---|---|---|');
  for (const r of report) {
    const main = r.windows.map((w) => w.main);
    console.log(
      `| ${r.name} | ${main.map((n) => n.toLocaleString('en-US')).join(' / ')} | ${sorted(main)[0].toLocaleString('en-US')} | ${sorted(r.windows.map((w) => w.all))[0].toLocaleString('en-US')} |`,
    );
  }
  for (const r of report) {
    console.log(`\n${r.name}: the heaviest functions of the last window, inclusive, per call (${r.named})`);
    const lines = execFileSync('callgrind_annotate', ['--inclusive=yes', r.named], { maxBuffer: 256 << 20 })
      .toString()
      .split('\n')
      .map((l) => /^\s*([\d,]+) \([\s\d.]+%\)\s+\?\?\?:(JS:.*?)(?: \[\?\?\?\])?$/.exec(l))
      .filter(Boolean)
      .slice(0, TOP);
    for (const [, ir, fn] of lines)
      console.log(
        `${String(Math.round(Number(ir.replaceAll(',', '')) / CALLS)).padStart(8)}  ${fn.slice(0, 150)}`,
      );
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
