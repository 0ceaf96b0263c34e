// `npm run bench`: the gateway's own cost against a bare Node pass-through, in one run.
// See docs/performance.md. Needs `npm run build` (the script runs it), Postgres on
// postgres://postgres@127.0.0.1:5432 (BENCH_PG_URL) and, for the Redis pass, Redis on
// redis://127.0.0.1:6379 (BENCH_REDIS_URL; BENCH_REDIS=0 skips it).
// BENCH_QUICK=1 or --quick: a ~10 s smoke (CI), one gateway pass, short scenarios.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

const ROOT = resolve(import.meta.dirname, '..');
// The gateway runs with the Node flags `npm run start:prod` gives it (the heap cap of decision
// 0031, the young generation's cap of 0044, large pages of 0043, V8's memory reducer off of 0050),
// as an operator runs it;
// BENCH_NODE_FLAGS replaces them (e.g. '' for none, or other heap settings from
// docs/performance.md#memory).
const PROD_NODE_FLAGS = /\bnode ((?:--\S+\s+)*)dist\/apps\/gateway\/src\/main\.js/
  .exec(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['start:prod'])[1]
  .trim();
const GATEWAY_NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? PROD_NODE_FLAGS).split(/\s+/).filter(Boolean);
// BENCH_GATEWAY_ENV='IDLE_GC_MS=6000 LOG_LEVEL=debug' adds (or overrides) the gateway's environment,
// for trying a setting side by side; runs quoted in docs/performance.md leave it unset.
const GATEWAY_EXTRA_ENV = Object.fromEntries(
  (process.env.BENCH_GATEWAY_ENV ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`BENCH_GATEWAY_ENV: expected NAME=value, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
);
const QUICK = process.argv.includes('--quick') || /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? '');
/** Each target's warm-up before its first round: plain calls at c8, then streams two at a time. */
const WARM_CALLS = QUICK ? 2_000 : 20_000;
const WARM_STREAMS = QUICK ? 4 : 40;
const PROFILE = process.argv.includes('--cpu-prof');
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WITH_REDIS = !QUICK && process.env.BENCH_REDIS !== '0';
const CHUNK_DELAY_MS = 20;
// The load generator (this process: autocannon and the latency loops) on core 0, the simulator,
// the reference and the gateway on core 1, as an operator's gateway would have a core of its
// own. Postgres and Redis (the machine's services) go to core 0 as well for the run, as if on a
// host of their own, and get their CPUs back at the end: left free, they are woken onto core 1
// beside the gateway and preempt it (BENCH_PIN_SERVICES=0 leaves them alone). BENCH_PIN=0 turns
// all pinning off.
const PIN = os.cpus().length >= 2 && process.env.BENCH_PIN !== '0';
const PIN_SERVICES = PIN && process.env.BENCH_PIN_SERVICES !== '0';
const D = QUICK ? 1 : 6; // seconds per throughput point outside the rounds
const ROUND_D = QUICK ? 1 : 4; // seconds per throughput point in each round
// Interleaved rounds of the judged rows (see coreRound); BENCH_ROUNDS overrides.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3));
// Development aid: every child's whole output (e.g. a gateway's --trace-gc lines) is appended to
// <dir>/<name>-<pid>.log.
const OUTPUT_DIR = process.env.BENCH_OUTPUT_DIR;
if (OUTPUT_DIR) mkdirSync(OUTPUT_DIR, { recursive: true });
const ADMIN = { email: 'bench-admin@bench.switchyard', password: `pw-${randomBytes(12).toString('hex')}` };
const children = new Set();

const log = (...a) => console.error('[bench]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (n, d = 2) =>
  n === null || n === undefined || Number.isNaN(n) ? null : Math.round(n * 10 ** d) / 10 ** d;
function pct(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

// ---------------------------------------------------------------- processes
function start(name, args, env, match, timeoutMs = 60_000) {
  // taskset execs node in place, so the child's pid is node's.
  const [command, argv] = PIN
    ? ['taskset', ['-c', '1', process.execPath, ...args]]
    : [process.execPath, args];
  const child = spawn(command, argv, {
    cwd: mkdtempSync(join(os.tmpdir(), 'sy-bench-')),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines = [];
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${name} did not start:\n${lines.join('\n')}`)), timeoutMs);
    const onData = (c) => {
      if (OUTPUT_DIR) appendFileSync(join(OUTPUT_DIR, `${name}-${child.pid}.log`), c);
      for (const line of c.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(line);
        if (lines.length > 200) lines.shift();
        const m = match.exec(line);
        if (m) {
          clearTimeout(timer);
          res({ child, url: m[1].replace('localhost', '127.0.0.1').replace('[::1]', '127.0.0.1'), lines });
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    // After its output streams have closed, so the line comes after everything it printed.
    child.on('close', (code, signal) => {
      if (OUTPUT_DIR)
        appendFileSync(join(OUTPUT_DIR, `${name}-${child.pid}.log`), `[bench] exited: ${code ?? signal}\n`);
    });
    child.on('exit', (code, signal) => {
      children.delete(child);
      clearTimeout(timer);
      // Once started, only `stop` ends a child: say so when something else did, with its output.
      if (!stopping.has(child))
        log(`${name} (pid ${child.pid}) exited with ${code ?? signal}:\n${lines.slice(-40).join('\n')}`);
      rej(new Error(`${name} exited with ${code ?? signal}:\n${lines.join('\n')}`));
    });
  });
}
/** Children `stop` is ending (any other exit is reported as it happens). */
const stopping = new WeakSet();
async function stop(proc) {
  // A child killed by a signal has a signalCode and no exitCode: it will not exit again.
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  stopping.add(proc.child);
  const exited = new Promise((r) => proc.child.once('exit', r));
  proc.child.kill('SIGTERM');
  const t = setTimeout(() => proc.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(t);
  children.delete(proc.child);
}
/** User + system CPU ticks (1/CLK_TCK s, 10 ms on Linux) of a process, every thread included. */
function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  } catch {
    return 0;
  }
}
/** Pids of the machine's processes with one of these command names. */
function pidsNamed(...names) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
/** CPU ticks of each Postgres process on the machine (backends, WAL writer, checkpointer...), by pid. */
function postgresTicks() {
  return new Map(pidsNamed('postgres').map((pid) => [pid, cpuTicks(pid)]));
}
/**
 * Postgres ticks spent between two readings: each process still there counts what it gained (one
 * started meanwhile, all of it); one that exited meanwhile (an idle pool connection closed) is
 * left out, so the sum never goes negative, at the price of that process's last moments.
 */
function postgresTicksSince(before) {
  let total = 0;
  for (const [pid, now] of postgresTicks()) total += now - (before.get(pid) ?? 0);
  return total;
}
/** Runs `fn` and adds the gateway's and Postgres's CPU per request (ms) to its summary. */
async function withCpu(pid, fn) {
  const before = { gw: cpuTicks(pid), pg: postgresTicks() };
  const out = await fn();
  const n = Math.max(1, out.requests ?? out.n ?? 0);
  out.gatewayCpuMs = pid ? round(((cpuTicks(pid) - before.gw) * 10) / n, 3) : null;
  // No local Postgres process in sight (a remote database): unknown, not zero.
  out.postgresCpuMs = before.pg.size > 0 ? round((postgresTicksSince(before.pg) * 10) / n, 3) : null;
  return out;
}
function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- http helpers
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
function call(url, { method = 'POST', path, headers = {}, body, onChunk } = {}) {
  const u = new URL(path, url);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        agent,
        headers: {
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...headers,
        },
      },
      (r) => {
        const parts = [];
        r.on('data', (c) => {
          onChunk?.(c, performance.now() - t0);
          parts.push(c);
        });
        r.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          res({ status: r.statusCode, headers: r.headers, text, json, ms: performance.now() - t0 });
        });
        r.on('error', rej);
      },
    );
    req.on('error', rej);
    req.end(payload);
  });
}
async function must(url, opts, status) {
  const r = await call(url, opts);
  if (r.status !== status)
    throw new Error(`${opts.method ?? 'POST'} ${opts.path}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

// ---------------------------------------------------------------- bodies
const WORD = ' lorem'; // one token with the o200k/cl100k encodings
const bigSystem = (tokens) => WORD.repeat(tokens).trim();
const chatBody = (extra = {}) => ({
  model: 'sim-gpt',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'hello there' }],
  ...extra,
});
const promptBody = (tokens) =>
  chatBody({
    messages: [
      { role: 'system', content: bigSystem(tokens) },
      { role: 'user', content: 'hello there' },
    ],
  });
const STREAM_TEXT = 'one two three four five six seven eight nine ten';
const streamBody = () =>
  chatBody({ stream: true, max_tokens: 64, messages: [{ role: 'user', content: STREAM_TEXT }] });

// ---------------------------------------------------------------- measurements
function cannon(
  url,
  key,
  { connections, duration, body, requests, amount, headers = {}, path = '/v1/chat/completions' },
) {
  return new Promise((res, rej) => {
    // autocannon's histogram keeps whole milliseconds, too coarse for calls of 1–10 ms: each 2xx
    // answer's own time (fractional ms, from the same clock) is kept here for the percentiles.
    const fineMs = [];
    const inst = autocannon(
      {
        url: `${url}${path}`,
        method: 'POST',
        connections,
        // autocannon refuses a `duration` key that is undefined: one or the other.
        ...(amount ? { amount } : { duration }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        requests,
        timeout: 30,
      },
      (err, r) => (err ? rej(err) : res({ ...r, fineMs })),
    );
    inst.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) fineMs.push(ms);
    });
    inst.on('error', () => {});
  });
}
const summarize = (r) => ({
  rps: round(r.requests.average, 0),
  p50: r.fineMs?.length ? round(pct(r.fineMs, 50), 3) : r.latency.p50,
  p90: r.fineMs?.length ? round(pct(r.fineMs, 90), 3) : r.latency.p90,
  p99: r.fineMs?.length ? round(pct(r.fineMs, 99), 3) : r.latency.p99,
  errors: r.errors + r.timeouts + r.non2xx,
  requests: r.requests.total,
});

/** Sequential (per worker) calls for `seconds`, latency per call in ms (fractional). */
async function loop(url, key, body, { workers = 1, seconds, headers = {}, path = '/v1/chat/completions' }) {
  const ms = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < until) {
        const r = await call(url, {
          path,
          body,
          headers: { authorization: `Bearer ${key}`, ...headers },
        });
        if (r.status === 200) ms.push(r.ms);
        else errors++;
      }
    }),
  );
  return {
    n: ms.length,
    errors,
    p50: round(pct(ms, 50), 3),
    p90: round(pct(ms, 90), 3),
    p99: round(pct(ms, 99), 3),
  };
}

/** One SSE stream: time to first body byte, gaps between body chunks, events relayed. */
async function oneStream(url, key) {
  let first = null;
  let last = null;
  const gaps = [];
  let events = 0;
  const r = await call(url, {
    path: '/v1/chat/completions',
    body: streamBody(),
    headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
    onChunk: (c, t) => {
      events += (c.toString('utf8').match(/^data:/gm) ?? []).length;
      if (first === null) first = t;
      else gaps.push(t - last);
      last = t;
    },
  });
  return { ok: r.status === 200, ttfb: first, gaps, events, reads: gaps.length + 1 };
}
/**
 * `workers` streams at a time for `seconds`: first bytes and chunk gaps, and each stream's last gap
 * apart as well: that one ends the stream (`[DONE]`, which a gateway sends once the usage chunk
 * came and the call's settlement committed), the others relay content.
 */
async function streams(url, key, { workers, seconds, count }) {
  const ttfb = [];
  const gaps = [];
  const inner = [];
  const last = [];
  const events = [];
  const reads = [];
  let errors = 0;
  const until = performance.now() + (seconds ?? 0) * 1000;
  let left = count ?? Infinity;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (count === undefined ? performance.now() < until : left-- > 0) {
        const s = await oneStream(url, key);
        if (!s.ok) {
          errors++;
          continue;
        }
        ttfb.push(s.ttfb);
        gaps.push(...s.gaps);
        if (s.gaps.length) {
          inner.push(...s.gaps.slice(0, -1));
          last.push(s.gaps.at(-1));
        }
        events.push(s.events);
        reads.push(s.reads);
      }
    }),
  );
  return {
    n: ttfb.length,
    errors,
    ttfbP50: round(pct(ttfb, 50), 3),
    ttfbP99: round(pct(ttfb, 99), 3),
    gapP50: round(pct(gaps, 50), 3),
    gapP99: round(pct(gaps, 99), 3),
    innerGapP99: round(pct(inner, 99), 3),
    lastGapP50: round(pct(last, 50), 3),
    lastGapP99: round(pct(last, 99), 3),
    eventsPerStream: round(pct(events, 50), 0),
    readsPerStream: round(pct(reads, 50), 0),
  };
}

// ---------------------------------------------------------------- failover
const RETRY_AFTER_MS = 1000; // the simulator's Retry-After on the first key: 1 s
const COOLDOWN_MARGIN_MS = 60; // stay this far from the cooldown's end on either side
const errorText = (r) => `${r.status} ${r.text.slice(0, 300)}`;

/**
 * A 429 on the first provider key, then the second key serving; and the calls while the first key
 * cools. The failover user's two vault keys for `simulator`: the simulator answers every call with
 * the first one 429 + Retry-After: 1 s, the gateway cools that key for 1 s and serves the call with
 * the second. Each round: one call once the previous cooldown is over (it pays the 429 and the
 * retry), then sequential calls well inside the new cooldown (the first key is skipped). Which
 * calls paid the 429 is not guessed: the first key's `total_failures` (the vault counts every
 * cooldown before the call returns) is read after each phase and a mismatch is reported.
 */
async function failoverScenario(url, fo) {
  const firstKey = { method: 'GET', path: `/api/v1/provider-keys/${fo.keyIds[0]}` };
  const cooldowns = async () =>
    (await must(url, { ...firstKey, headers: { authorization: `Bearer ${fo.token}` } }, 200)).total_failures;
  const sim = (behavior) =>
    must(fo.sim, { path: '/__sim/keys', body: { key: fo.secrets[0], ...behavior } }, 200);
  const one = () =>
    call(url, {
      path: '/v1/chat/completions',
      body: chatBody(),
      headers: { authorization: `Bearer ${fo.apiKey}` },
    });
  // The key that serves becomes the selected one (failover keeps what works), so each round
  // selects the first key again, as an operator would, before its 429 call.
  const selectFirst = () =>
    must(
      url,
      {
        path: `/api/v1/provider-keys/${fo.keyIds[0]}/select`,
        headers: { authorization: `Bearer ${fo.token}` },
      },
      200,
    );

  // Warm this caller up (key cache, first key's connections) while the first key still answers.
  const warm = await loop(url, fo.apiKey, chatBody(), { seconds: QUICK ? 0.2 : 0.5 });
  const rounds = QUICK ? 2 : 8;
  // How long after a 429 call started the cooling calls go on (the cooldown ends 1 s after the
  // gateway saw the 429, i.e. after that call started).
  const coolingMs = Math.min(QUICK ? 400 : 900, RETRY_AFTER_MS - COOLDOWN_MARGIN_MS);
  const limited = [];
  const cooling = [];
  const res = {
    warmUp: { n: warm.n, errors: warm.errors, p50: warm.p50 },
    rounds,
    retryAfterSeconds: RETRY_AFTER_MS / 1000,
    probeStatus: null,
    probeError: undefined,
    rateLimitedErrors: 0,
    coolingErrors: 0,
    firstError: undefined,
    // Cooldowns of the first key: one per 429 call is expected, none during the cooling calls.
    cooldownsExpected: rounds,
    cooldowns: 0,
    cooldownsWhileCooling: 0,
  };
  const note = (r, kind) => {
    if (r.status === 200) return true;
    res[kind]++;
    res.firstError ??= errorText(r);
    return false;
  };
  await sim({ status: 429, retryAfterSeconds: RETRY_AFTER_MS / 1000 });
  try {
    let seen = await cooldowns();
    let readyAt = 0;
    for (let i = 0; i < rounds; i++) {
      const wait = readyAt - performance.now();
      if (wait > 0) await sleep(wait);
      if (i > 0) await selectFirst();
      const t0 = performance.now();
      const r = await one();
      readyAt = performance.now() + RETRY_AFTER_MS + COOLDOWN_MARGIN_MS;
      if (i === 0) {
        res.probeStatus = r.status;
        res.probeError = r.status === 200 ? undefined : errorText(r);
      }
      if (note(r, 'rateLimitedErrors')) limited.push(r.ms);
      const afterLimited = await cooldowns();
      res.cooldowns += afterLimited - seen;
      while (performance.now() < t0 + coolingMs) {
        const c = await one();
        if (note(c, 'coolingErrors')) cooling.push(c.ms);
      }
      seen = await cooldowns();
      res.cooldownsWhileCooling += seen - afterLimited;
    }
  } finally {
    await sim({ status: null });
  }
  const stats = (ms, errors) => ({
    n: ms.length,
    errors,
    p50: round(pct(ms, 50), 3),
    p90: round(pct(ms, 90), 3),
    p99: round(pct(ms, 99), 3),
  });
  res.rateLimited = stats(limited, res.rateLimitedErrors);
  res.cooling = stats(cooling, res.coolingErrors);
  delete res.rateLimitedErrors;
  delete res.coolingErrors;
  return res;
}

// ---------------------------------------------------------------- one target
/**
 * The rows the targets are judged on (throughput at c1/c16/c64 with CPU per call, the fine c1
 * latency, streams), once: `main` runs this for every target in turn, ROUNDS times, rotating the
 * order, so that a host whose speed drifts during the run (this one's does, by 20% within minutes)
 * moves every target alike, and the ratios are medians of per-round ratios.
 */
async function coreRound(t) {
  const out = { plain: {} };
  for (const c of QUICK ? [1, 16] : [1, 16, 64]) {
    t.step(`round: non-streaming c${c}`);
    // With pg_stat_statements loaded, the c16 run also counts the statements each call costs.
    const statements = c === 16 && t.db?.statements ? t.db.statements : null;
    await statements?.reset();
    out.plain[`c${c}`] = await withCpu(t.pid, async () =>
      summarize(await cannon(t.url, t.key, { connections: c, duration: ROUND_D, body: chatBody() })),
    );
    if (statements) out.plain[`c${c}`].statements = await statements.perCall(out.plain[`c${c}`].requests);
  }
  t.step('round: streaming');
  out.stream = await streams(t.url, t.key, { workers: 4, seconds: QUICK ? 0.5 : 4 });
  return out;
}

/**
 * The fine c1 latency of every target at once: autocannon's runs last seconds apiece, so a
 * drifting host moves one target's c1 run and not the next; a sub-ms client loop calls the targets in turn,
 * `PAIRED_BATCH` calls each (the first one rotating; the first call of each turn, which may
 * carry the previous target's after-answer work, is not counted), until each has had its share
 * of `seconds`. The targets' calls are then milliseconds apart, so a host whose speed drifts
 * moves them alike: the per-round difference is the gateway's own.
 */
const PAIRED_BATCH = 8;
function pairedC1(targets, seconds) {
  return pairedLoop(targets, { seconds, body: chatBody(), label: 'round: c1 latency (fine, paired)' });
}

/**
 * One connection's calls with `body`, in turns of `batch` calls that rotate between the targets
 * for `seconds` each, so that every target sees the host's same moments; each turn's first call is
 * not counted.
 */
async function pairedLoop(targets, { seconds, body, label, batch = PAIRED_BATCH }) {
  const ms = new Map(targets.map((t) => [t, []]));
  const errors = new Map(targets.map((t) => [t, 0]));
  for (const t of targets) t.step(label);
  const payload = JSON.stringify(body);
  const until = performance.now() + seconds * 1000 * targets.length;
  for (let i = 0; performance.now() < until; i++) {
    for (let j = 0; j < targets.length; j++) {
      const t = targets[(i + j) % targets.length];
      // A few calls per turn: what a gateway does after an answer (timers, flushes) falls on
      // its own next call, as in a plain loop, not on the next target's first call only.
      for (let k = 0; k < batch; k++) {
        const r = await call(t.url, {
          path: '/v1/chat/completions',
          body: payload,
          headers: { authorization: `Bearer ${t.key}` },
        });
        if (r.status === 200 && k > 0) ms.get(t).push(r.ms);
        else if (r.status !== 200) errors.set(t, errors.get(t) + 1);
      }
    }
  }
  return new Map(
    targets.map((t) => {
      const m = ms.get(t);
      const stats = { n: m.length, errors: errors.get(t), p50: round(pct(m, 50), 3) };
      return [t, { ...stats, p90: round(pct(m, 90), 3), p99: round(pct(m, 99), 3) }];
    }),
  );
}

/**
 * The 1k- and 100k-token prompts in paired turns (`pairedLoop`): the judged "100k over 1k" row
 * compares each target with the reference over the same seconds, where the per-scenario prompt
 * loops (kept, for information) ran minutes apart.
 */
async function pairedPrompts(targets) {
  const out = new Map(targets.map((t) => [t, {}]));
  for (const [tokens, seconds] of [
    [1000, QUICK ? 0.3 : 2],
    [100000, QUICK ? 0.5 : 4],
  ]) {
    const k = `${tokens / 1000}k`;
    const res = await pairedLoop(targets, {
      seconds,
      body: promptBody(tokens),
      label: `prompt ${k} (paired)`,
      batch: 4,
    });
    for (const t of targets) out.get(t)[k] = res.get(t);
  }
  return out;
}

/** The round whose `value` is the median (the lower middle for an even count). */
function medianOf(rounds, value) {
  const sorted = [...rounds].sort((a, b) => (value(a) ?? 0) - (value(b) ?? 0));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
function median(values) {
  const v = values.filter((x) => x !== null && x !== undefined && !Number.isNaN(x));
  if (!v.length) return null;
  const sorted = [...v].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * The floor's rows: its c1 and stream rows from its median rounds, and what it adds to the
 * reference's, as the median of the per-round differences (c1: the same seconds, in the paired
 * loop; streams: the floor's right after the reference's).
 */
function floorRows(rounds, refRounds) {
  const added = rounds.map((r, i) => diff(r.c1fine.p50, refRounds[i].c1fine.p50));
  const ttfb = rounds.map((r, i) => diff(r.stream.ttfbP50, refRounds[i].stream.ttfbP50));
  return {
    c1fine: { ...medianOf(rounds, (r) => r.c1fine.p50).c1fine, rounds: rounds.map((r) => r.c1fine.p50) },
    stream: {
      ...medianOf(rounds, (r) => r.stream.ttfbP50).stream,
      rounds: rounds.map((r) => r.stream.ttfbP50),
    },
    addedP50c1: round(median(added), 3),
    addedP50c1Rounds: added,
    ttfbOverhead: round(median(ttfb), 3),
    ttfbOverheadRounds: ttfb,
  };
}

/** A target's core rows from its rounds: each row from its median round, with every round kept. */
function coreRows(rounds) {
  const plain = {};
  for (const c of Object.keys(rounds[0].plain)) {
    plain[c] = {
      ...medianOf(rounds, (r) => r.plain[c].rps).plain[c],
      rounds: rounds.map((r) => r.plain[c].rps),
    };
  }
  const c1fine = { ...medianOf(rounds, (r) => r.c1fine.p50).c1fine, rounds: rounds.map((r) => r.c1fine.p50) };
  const stream = {
    ...medianOf(rounds, (r) => r.stream.ttfbP50).stream,
    rounds: rounds.map((r) => r.stream.ttfbP50),
  };
  return { plain, c1fine, stream, roundsRaw: rounds };
}

/**
 * Warms a target up (JIT, pools, caches) and starts sampling its RSS every 200 ms, with the peak
 * per scenario (which one makes the process grow); `t.step` names the scenario under way.
 */
async function prepare(t) {
  t.mem = { samples: [] };
  t.peakBy = {};
  let phase = 'start';
  t.step = (label) => {
    phase = label;
    log(t.name, label);
  };
  t.sampler = t.pid
    ? setInterval(() => {
        const rss = rssMb(t.pid);
        t.mem.samples.push(rss);
        if (rss !== null) t.peakBy[phase] = Math.max(t.peakBy[phase] ?? 0, rss);
      }, 200)
    : null;
  t.step('warm-up');
  // Sized in calls, the same for every target: a fresh gateway's compilers settle after ~15,000
  // calls (3 s at c8 was 3,000-5,000, so its first round measured a gateway still compiling).
  await cannon(t.url, t.key, { connections: 8, amount: WARM_CALLS, body: chatBody() });
  await streams(t.url, t.key, { workers: 2, count: WARM_STREAMS });
  await sleep(500);
  if (t.pid) t.mem.idle = rssMb(t.pid);
}

/** Every other scenario of a prepared target, once, after the rounds; `core` holds the round rows. */
async function scenarios(t, core) {
  const { name, url, key, pid, db, failover = null, routed = null } = t;
  const out = { name, ...core };
  const mem = t.mem;
  const peakBy = t.peakBy;
  const step = t.step;
  const sampler = t.sampler;
  step('prompt sizes');
  out.prompt = {};
  for (const tokens of QUICK ? [1000, 100000] : [1000, 10000, 100000])
    out.prompt[`${tokens / 1000}k`] = await loop(url, key, promptBody(tokens), { seconds: QUICK ? 0.5 : 3 });

  step('head-of-line');
  {
    let stopBig = false;
    const big = promptBody(100000);
    const bigLoops = Array.from({ length: 3 }, async () => {
      let n = 0;
      while (!stopBig) {
        await call(url, {
          path: '/v1/chat/completions',
          body: big,
          headers: { authorization: `Bearer ${key}` },
        });
        n++;
      }
      return n;
    });
    const small = await streams(url, key, { workers: 2, seconds: QUICK ? 0.5 : 5 });
    stopBig = true;
    const bigCalls = (await Promise.all(bigLoops)).reduce((a, b) => a + b, 0);
    out.headOfLine = { ...small, bigCalls };
  }

  step('key flood');
  {
    // Well-formed keys (sk-sy- + 51 base62 characters, the length of a real one) with a random
    // tag: what a guesser sends. The gateway must refuse them without a database read.
    const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    const randomKey = () => `sk-sy-${Array.from(randomBytes(51), (b) => BASE62[b % 62]).join('')}`;
    const floodOpts = {
      connections: 32,
      duration: QUICK ? 1 : 4,
      body: chatBody(),
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            headers: { ...req.headers, authorization: `Bearer ${randomKey()}` },
          }),
        },
      ],
    };
    const before = db ? await db.stats() : null;
    const alone = await cannon(url, 'x', floodOpts);
    // Backends publish their statistics about once a second: wait for the flood's to land.
    if (db) await sleep(1500);
    const after = db ? await db.stats() : null;
    const refused = alone['4xx'] ?? alone.non2xx;
    const [withValid, valid] = await Promise.all([
      cannon(url, 'x', floodOpts),
      loop(url, key, chatBody(), { seconds: QUICK ? 1 : 4 }),
    ]);
    out.keyFlood = {
      rps: round(alone.requests.average, 0),
      refused,
      total: alone.requests.total,
      other: alone.requests.total - refused,
      dbTuplesReturnedPerRequest: before
        ? round((after.tup - before.tup) / Math.max(1, alone.requests.total), 2)
        : null,
      dbTransactionsPerRequest: before
        ? round((after.xact - before.xact) / Math.max(1, alone.requests.total), 2)
        : null,
      // In all, over the flood and the 1.5 s after it: with the gateway holding a flooding
      // address's 401s there are few requests, and background jobs dominate a per-request ratio.
      dbTransactions: before ? after.xact - before.xact : null,
      dbTuplesReturned: before ? after.tup - before.tup : null,
      rpsWithValid: round(withValid.requests.average, 0),
      validDuringFlood: valid,
    };
  }

  if (!QUICK) {
    step('memory: repeated c64 run');
    out.plainRepeat = summarize(await cannon(url, key, { connections: 64, duration: D, body: chatBody() }));
  }
  if (routed) {
    // The same call through a `weighted` route of two simulator models: the planner's route
    // expansion and strategy on top of the plain path.
    step('routed');
    const body = chatBody({ model: routed.model });
    out.routed = {
      c1: await loop(url, key, body, { seconds: QUICK ? 0.5 : 4 }),
      c16: summarize(await cannon(url, key, { connections: 16, duration: D, body })),
    };
  }
  if (routed) {
    // The same call as `model: "auto"`: the rules classifier, the policy and the single strategy
    // on top of the plain path (the default policy picks a simulator model offline).
    step('auto');
    const body = chatBody({ model: 'auto' });
    out.auto = {
      c1: await loop(url, key, body, { seconds: QUICK ? 0.5 : 4 }),
      c16: summarize(await cannon(url, key, { connections: 16, duration: D, body })),
    };
  }
  if (routed) {
    // The same call in the Anthropic Messages dialect (/v1/messages): its request mapping and
    // answer presentation on top of the plain path (the reference proxy speaks chat only).
    step('messages');
    const path = '/v1/messages';
    const body = { model: 'sim-gpt', max_tokens: 16, messages: [{ role: 'user', content: 'hello there' }] };
    out.messages = {
      c1: await loop(url, key, body, { seconds: QUICK ? 0.5 : 4, path }),
      c16: summarize(await cannon(url, key, { connections: 16, duration: D, body, path })),
    };
  }
  if (routed) {
    // The same call answered from the response cache (docs/cache.md): after one miss every call
    // is a hit, with no reservation and no upstream call (the reference proxy has no cache).
    step('cache hit');
    const headers = { 'x-switchyard-cache': 'ttl=600' };
    const body = chatBody({ messages: [{ role: 'user', content: 'hello from the cache' }] });
    const path = '/v1/chat/completions';
    const auth = { authorization: `Bearer ${key}`, ...headers };
    await call(url, { path, body, headers: auth });
    const check = await call(url, { path, body, headers: auth });
    if (check.headers['x-switchyard-cache'] !== 'hit')
      throw new Error(`cache: expected a hit, got ${check.status} ${check.headers['x-switchyard-cache']}`);
    out.cacheHit = {
      c1: await loop(url, key, body, { seconds: QUICK ? 0.5 : 4, headers }),
      c16: summarize(await cannon(url, key, { connections: 16, duration: D, body, headers })),
    };
  }
  if (failover) {
    step('failover');
    out.failover = await failoverScenario(url, failover);
  }

  if (sampler) clearInterval(sampler);
  if (pid) {
    await sleep(QUICK ? 500 : 5000);
    mem.peak = Math.max(...mem.samples.filter((x) => x !== null));
    mem.after = rssMb(pid);
    // V8 returns an idle heap's pages only after a collection that reduces memory (its memory
    // reducer, which the production flags turn off since decision 0050, or the gateway's idle
    // stage below): read it again later, for information.
    if (!QUICK) {
      await sleep(25_000);
      mem.after30 = rssMb(pid);
      // And once the gateway's own idle policy has run: the memory-reducing collection it asks
      // for after IDLE_GC_REDUCE_MS of quiet (the 30 s reading comes before it).
      const reduceAt = await reduceAfterMs();
      if (reduceAt) {
        const at = Math.ceil((reduceAt + 10_000) / 1000);
        await sleep(Math.max(0, at * 1000 - 30_000));
        mem.afterReduce = { seconds: at, mb: rssMb(pid) };
      }
    }
    delete mem.samples;
    mem.peakByScenario = peakBy;
    out.rss = mem;
  }
  return out;
}

// ---------------------------------------------------------------- gateway
/**
 * When the gateway's memory-reducing idle collection is due after the last request, in ms
 * (IDLE_GC_REDUCE_MS, at least IDLE_GC_MS; docs/configuration.md), or 0 when it is off.
 */
async function reduceAfterMs() {
  // The gateway's own defaults (the built schema), so that a changed default cannot go stale here.
  const { EnvironmentVariables } = await import(join(ROOT, 'dist/libs/core/src/config/env.schema.js'));
  const defaults = new EnvironmentVariables();
  const setting = (name) => Number(GATEWAY_EXTRA_ENV[name] ?? defaults[name]);
  const reduce = setting('IDLE_GC_REDUCE_MS');
  return reduce > 0 ? Math.max(setting('IDLE_GC_MS'), reduce) : 0;
}

async function startGateway(simUrl, databaseUrl, withRedis, extraEnv = {}) {
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    ...(withRedis ? { REDIS_URL } : {}),
    SIMULATOR_URL: simUrl,
    LOG_REQUESTS: 'false',
    LOG_LEVEL: 'info', // the listening line is info; LOG_REQUESTS=false keeps requests out of the log
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    JWT_SECRET: randomBytes(32).toString('hex'),
    VAULT_MASTER_KEY: randomBytes(32).toString('base64'),
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    SIGNUP_CREDITS: '0',
    SWAGGER_ENABLED: 'false',
    UPSTREAM_RETRY_BASE_MS: '5',
    ...GATEWAY_EXTRA_ENV,
    ...extraEnv,
  };
  const nodeArgs = [
    ...GATEWAY_NODE_FLAGS,
    ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench-results', 'profiles')}`] : []),
  ];
  return start(
    'gateway',
    [...nodeArgs, join(ROOT, 'dist/apps/gateway/src/main.js')],
    env,
    /listening on (http:\/\/\S+)/,
  );
}
async function seed(url) {
  const admin = (await must(url, { path: '/api/v1/auth/login', body: ADMIN }, 200)).access_token;
  const auth = (t) => ({ authorization: `Bearer ${t}` });
  const tenant = await must(
    url,
    { path: '/api/v1/tenants', headers: auth(admin), body: { name: `bench-${randomUUID().slice(0, 8)}` } },
    201,
  );
  const email = `bench-${randomBytes(4).toString('hex')}@bench.switchyard`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const user = await must(
    url,
    {
      path: '/api/v1/users',
      headers: auth(admin),
      body: { email, password, role: 'member', tenant_id: tenant.id },
    },
    201,
  );
  await must(
    url,
    {
      path: '/api/v1/credits/grants',
      headers: { ...auth(admin), 'idempotency-key': randomUUID() },
      body: { user_id: user.id, amount: '1000000000', reason: 'bench' },
    },
    201,
  );
  const member = (await must(url, { path: '/api/v1/auth/login', body: { email, password } }, 200))
    .access_token;
  const key = await must(
    url,
    {
      path: '/api/v1/api-keys',
      headers: auth(member),
      body: { name: 'bench', rpm: 1_000_000, tpm: 1_000_000_000 },
    },
    201,
  );

  // The failover scenario's caller: another member of the bench tenant with two provider keys of
  // its own for `simulator` in the vault (the user's pool is tried before the tenant's, the
  // platform's and the environment's). No base_url: only admins may set one, and the key then
  // goes where the environment sends `simulator` (SIMULATOR_URL + /v1).
  const fo = {
    email: `bench-failover-${randomBytes(4).toString('hex')}@bench.switchyard`,
    password: `pw-${randomBytes(8).toString('hex')}`,
  };
  const foLogin = { email: fo.email, password: fo.password };
  const foUser = await must(
    url,
    {
      path: '/api/v1/users',
      headers: auth(admin),
      body: { ...foLogin, role: 'member', tenant_id: tenant.id },
    },
    201,
  );
  await must(
    url,
    {
      path: '/api/v1/credits/grants',
      headers: { ...auth(admin), 'idempotency-key': randomUUID() },
      body: { user_id: foUser.id, amount: '1000000000', reason: 'bench failover' },
    },
    201,
  );
  const foMember = (await must(url, { path: '/api/v1/auth/login', body: foLogin }, 200)).access_token;
  fo.token = foMember; // reads the first key's counters during the scenario (15 min access token)
  fo.apiKey = (
    await must(
      url,
      {
        path: '/api/v1/api-keys',
        headers: auth(foMember),
        body: { name: 'bench failover', rpm: 1_000_000, tpm: 1_000_000_000 },
      },
      201,
    )
  ).key;
  fo.secrets = [
    `sk-bench-first-${randomBytes(8).toString('hex')}`,
    `sk-bench-second-${randomBytes(8).toString('hex')}`,
  ];
  fo.keyIds = [];
  for (const [i, secret] of fo.secrets.entries()) {
    const created = await must(
      url,
      {
        path: '/api/v1/provider-keys',
        headers: auth(foMember),
        body: { provider: 'simulator', key: secret, owner: 'user', name: `bench failover ${i + 1}` },
      },
      201,
    );
    fo.keyIds.push(created.id);
  }
  // The first key is also the selected one: tried first whatever the creation order.
  await must(url, { path: `/api/v1/provider-keys/${fo.keyIds[0]}/select`, headers: auth(foMember) }, 200);
  // A platform `weighted` route over two simulator models, for the routed row.
  const routed = { model: `bench-weighted-${randomUUID().slice(0, 8)}` };
  await must(
    url,
    {
      path: '/api/v1/routes',
      headers: auth(admin),
      body: {
        name: routed.model,
        strategy: 'weighted',
        targets: [
          { model: 'simulator/sim-gpt', weight: 1 },
          { model: 'simulator/sim-gpt-mini', weight: 1 },
        ],
      },
    },
    201,
  );
  return { key: key.key, failover: fo, routed };
}

// ---------------------------------------------------------------- report
const signed = (n) => (n === null ? 'n/a' : n >= 0 ? `+${n}` : `${n}`);
const ratio = (a, b) => (a === null || b === null || !b ? null : round(a / b, 2));
const diff = (a, b) => (a === null || b === null ? null : round(a - b, 3));
function compare(ref, gw) {
  // Round i of every target ran within the same minute: compare within a round, then take the
  // median over the rounds (with one round, the plain ratio of the two).
  const paired = gw.roundsRaw && ref.roundsRaw && gw.roundsRaw.length === ref.roundsRaw.length;
  const perRound = (f, whole) =>
    paired ? round(median(gw.roundsRaw.map((g, i) => f(g, ref.roundsRaw[i]))), 3) : whole;
  const t = {};
  for (const c of Object.keys(gw.plain)) {
    const g = gw.plain[c];
    const r = ref.plain[c];
    t[c] = {
      rpsRatio: perRound((x, y) => ratio(x.plain[c].rps, y.plain[c].rps), ratio(g.rps, r.rps)),
      rpsRatioRounds: paired
        ? gw.roundsRaw.map((x, i) => ratio(x.plain[c].rps, ref.roundsRaw[i].plain[c].rps))
        : null,
      p50: [g.p50, r.p50],
      p90: [g.p90, r.p90],
      p99: [g.p99, r.p99],
      p99Ratio: perRound((x, y) => ratio(x.plain[c].p99, y.plain[c].p99), ratio(g.p99, r.p99)),
      errors: [g.errors, r.errors],
    };
  }
  const overhead = (k) => diff(gw.prompt[k]?.p50 ?? null, ref.prompt[k]?.p50 ?? null);
  const pairedOverhead = (k) => diff(gw.promptPaired?.[k]?.p50 ?? null, ref.promptPaired?.[k]?.p50 ?? null);
  return {
    throughput: t,
    addedP50c1: perRound((x, y) => diff(x.c1fine.p50, y.c1fine.p50), diff(gw.c1fine.p50, ref.c1fine.p50)),
    addedP50c1Rounds: paired
      ? gw.roundsRaw.map((x, i) => diff(x.c1fine.p50, ref.roundsRaw[i].c1fine.p50))
      : null,
    p99c16Ratio: t.c16 ? t.c16.p99Ratio : null,
    streamTtfbOverheadP50: perRound(
      (x, y) => diff(x.stream.ttfbP50, y.stream.ttfbP50),
      diff(gw.stream.ttfbP50, ref.stream.ttfbP50),
    ),
    streamTtfbOverheadP99: diff(gw.stream.ttfbP99, ref.stream.ttfbP99),
    gapP99VsUpstream: ratio(gw.stream.gapP99, ref.stream.gapP99),
    gapP99VsSpacing: ratio(gw.stream.gapP99, CHUNK_DELAY_MS),
    eventsOneForOne: gw.stream.eventsPerStream === ref.stream.eventsPerStream,
    promptOverhead: Object.fromEntries(Object.keys(gw.prompt).map((k) => [k, overhead(k)])),
    promptPairedOverhead: gw.promptPaired
      ? Object.fromEntries(Object.keys(gw.promptPaired).map((k) => [k, pairedOverhead(k)]))
      : null,
    // Judged on the paired turns when the run has them, else on the per-scenario loops.
    prompt100kMinus1k: gw.promptPaired
      ? diff(pairedOverhead('100k'), pairedOverhead('1k'))
      : diff(overhead('100k'), overhead('1k')),
    prompt100kMinus1kUnpaired: diff(overhead('100k'), overhead('1k')),
    holTtfbP50: [gw.headOfLine.ttfbP50, ref.headOfLine.ttfbP50],
    holTtfbP99: [gw.headOfLine.ttfbP99, ref.headOfLine.ttfbP99],
    // A 429 on the first key then the second key serving, and calls while the first key cools:
    // each over the plain c1 p50 of the same pass.
    failoverAddedP50: diff(gw.failover?.rateLimited?.p50 ?? null, gw.c1fine.p50),
    failoverCoolingAddedP50: diff(gw.failover?.cooling?.p50 ?? null, gw.c1fine.p50),
  };
}
/** Whether Postgres's CPU per call is within 0.3 ms at each of c1, c16 and c64 measured (null: none was). */
const pgCpuMet = (gw) => {
  const measured = ['c1', 'c16', 'c64'].map((k) => gw.plain[k]?.postgresCpuMs).filter((v) => v != null);
  return measured.length === 0 ? null : measured.every((v) => v <= 0.3);
};
const targets = (c, gw) => {
  const ok = (b) => (b === null ? 'n/a' : b ? 'met' : 'MISSED');
  const rps16 = c.throughput.c16?.rpsRatio ?? null;
  const rps64 = c.throughput.c64?.rpsRatio ?? null;
  return [
    [
      'throughput c16 >= 40% of ref',
      `${rps16 === null ? 'n/a' : Math.round(rps16 * 100) + '%'}`,
      ok(rps16 === null ? null : rps16 >= 0.4),
    ],
    [
      'throughput c64 >= 40% of ref',
      `${rps64 === null ? 'n/a' : Math.round(rps64 * 100) + '%'}`,
      ok(rps64 === null ? null : rps64 >= 0.4),
    ],
    ['added p50 at c1 <= 1 ms', `${c.addedP50c1} ms`, ok(c.addedP50c1 === null ? null : c.addedP50c1 <= 1)],
    [
      // Judged at every concurrency measured: at c1 each call is its own transaction and commit.
      'Postgres CPU per call <= 0.3 ms (c1 / c16 / c64)',
      ['c1', 'c16', 'c64'].map((k) => gw.plain[k]?.postgresCpuMs ?? 'n/a').join(' / ') + ' ms',
      ok(pgCpuMet(gw)),
    ],
    ['p99 at c16 <= 3x ref', `${c.p99c16Ratio}x`, ok(c.p99c16Ratio === null ? null : c.p99c16Ratio <= 3)],
    [
      'stream TTFB overhead p50 <= 1 ms',
      `${c.streamTtfbOverheadP50} ms`,
      ok(c.streamTtfbOverheadP50 === null ? null : c.streamTtfbOverheadP50 <= 1),
    ],
    [
      'chunk gap p99 within 10% of upstream',
      `${c.gapP99VsUpstream}x (vs ${CHUNK_DELAY_MS} ms spacing: ${c.gapP99VsSpacing}x)`,
      ok(c.gapP99VsUpstream === null ? null : c.gapP99VsUpstream <= 1.1),
    ],
    [
      '100k prompt overhead <= 5 ms over 1k',
      c.promptPairedOverhead
        ? `${c.prompt100kMinus1k} ms (paired turns; the scenario loops minutes apart: ${c.prompt100kMinus1kUnpaired} ms)`
        : `${c.prompt100kMinus1k} ms`,
      ok(c.prompt100kMinus1k === null ? null : c.prompt100kMinus1k <= 5),
    ],
    ['RSS <= 250 MB under load', `${gw.rss?.peak} MB`, ok(gw.rss ? gw.rss.peak <= 250 : null)],
    [
      'RSS after load within 10% of post-warm-up',
      // Judged on the latest reading (the one after the gateway's memory-reducing idle collection
      // when it is on); all are shown.
      `${gw.rss?.idle} -> ${gw.rss?.after} MB at 5 s, ${gw.rss?.after30 ?? 'n/a'} MB at 30 s${
        gw.rss?.afterReduce ? `, ${gw.rss.afterReduce.mb} MB at ${gw.rss.afterReduce.seconds} s` : ''
      }`,
      ok(gw.rss ? (gw.rss.afterReduce?.mb ?? gw.rss.after30 ?? gw.rss.after) <= gw.rss.idle * 1.1 : null),
    ],
  ];
};
const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\s+/g, ' ');
function failoverRows(gw) {
  const f = gw.failover;
  const c = gw.compare;
  if (!f) return [];
  // Runs before the 429 scenario measured a 503 on the first model, then another provider.
  if (!f.rateLimited)
    return [
      `| failover (models: [simulator/sim-gpt-fault-503, simulator-anthropic/sim-claude]) c1 p50/p99 ms | ${f.p50}/${f.p99} (status ${f.probeStatus}, errors ${f.errors}) | | ${signed(c?.failoverAddedP50 ?? null)} ms over plain c1 |`,
    ];
  const { rateLimited: l, cooling: k } = f;
  const rows = [
    `| failover: 429 (Retry-After ${f.retryAfterSeconds} s) on the first vault key, second key serves: c1 p50/p99 ms | ${l.p50}/${l.p99} (${l.n} calls, errors ${l.errors}; first key cooled ${f.cooldowns}x of ${f.cooldownsExpected}) | | ${signed(c?.failoverAddedP50 ?? null)} ms over plain c1 |`,
    `| failover: while the first key cools (skipped), second key serves: c1 p50/p99 ms | ${k.p50}/${k.p99} (${k.n} calls, errors ${k.errors}; 429s paid ${f.cooldownsWhileCooling}) | | ${signed(c?.failoverCoolingAddedP50 ?? null)} ms over plain c1 |`,
  ];
  if (f.probeError) rows.push(`| failover: first call answered | ${cell(f.probeError)} | | |`);
  else if (f.firstError) rows.push(`| failover: first error | ${cell(f.firstError)} | | |`);
  return rows;
}
function markdown(result) {
  const L = [];
  const { ref } = result;
  L.push(`## Switchyard bench ${result.at} (${result.quick ? 'quick' : 'full'})`, '');
  L.push(
    `Machine: ${result.machine.cpus} x ${result.machine.cpuModel}, ${result.machine.memGb} GB, Node ${result.machine.node}, ${result.machine.os}. ${
      result.pinned
        ? result.servicesPinned
          ? 'Load generator, Postgres and Redis pinned to core 0; simulator, reference proxy and gateway to core 1.'
          : 'Load generator pinned to core 0; simulator, reference proxy and gateway to core 1; Postgres and Redis unpinned.'
        : 'Load generator shares the CPUs.'
    }${result.commitProbe ? ` Postgres commit round trip (one-row inserts, p50): ${result.commitProbe.durableP50} ms durable, ${result.commitProbe.noFlushP50} ms without waiting for the WAL flush; a settled call's answer waits for the flush (difference of the p50s: ${result.commitProbe.flushMs} ms).${result.commitProbe.chargeDurableP50 != null ? ` The gateway's charge statement (credits_charge, p50): ${result.commitProbe.chargeDurableP50} ms durable, ${result.commitProbe.chargeNoFlushP50} ms without the flush.` : ''}` : ''}${result.gatewayNodeFlags !== undefined ? ` Gateway Node flags: ${result.gatewayNodeFlags ? `\`${result.gatewayNodeFlags}\`` : 'none'}.` : ''}${result.gatewayEnv ? ` Gateway environment added (BENCH_GATEWAY_ENV): \`${result.gatewayEnv}\`.` : ''}`,
    '',
  );
  for (const gw of result.gateways) {
    const c = gw.compare;
    L.push(`### gateway (${gw.name}) vs reference proxy`, '');
    L.push('| scenario | gateway | reference | ratio / overhead |', '|---|---|---|---|');
    for (const k of Object.keys(gw.plain)) {
      const g = gw.plain[k];
      const r = ref.plain[k];
      const st = g.statements;
      if (st)
        L.push(
          `| non-stream ${k} Postgres statements per call (pg_stat_statements) | ${st.statementsPerCall}, executor ${st.execMsPerCall} ms; top: ${st.top
            .map((t) => `\`${t.query.replace(/\|/g, '/')}\` ${t.perCall}x ${t.msPerCall} ms`)
            .join('; ')} | | |`,
        );
      const byRound = c.throughput[k].rpsRatioRounds;
      L.push(
        `| non-stream ${k} req/s${g.rounds ? ' (median round; every round)' : ''} | ${g.rps}${g.rounds ? ` (${g.rounds.join(' / ')})` : ''} | ${r.rps}${r.rounds ? ` (${r.rounds.join(' / ')})` : ''} | ${c.throughput[k].rpsRatio}x${byRound ? ` (median of ${byRound.join(' / ')})` : ''} |`,
      );
      L.push(
        `| non-stream ${k} p50/p90/p99 ms | ${g.p50}/${g.p90}/${g.p99} | ${r.p50}/${r.p90}/${r.p99} | p99 ${c.throughput[k].p99Ratio}x |`,
      );
      L.push(`| non-stream ${k} errors | ${g.errors} | ${r.errors} | |`);
      L.push(
        `| non-stream ${k} CPU per call ms: process / Postgres | ${g.gatewayCpuMs ?? 'n/a'} / ${g.postgresCpuMs ?? 'n/a'} | ${r.gatewayCpuMs ?? 'n/a'} / ${r.postgresCpuMs ?? 'n/a'} | |`,
      );
    }
    L.push(
      `| c1 p50/p99 ms (fine clock) | ${gw.c1fine.p50}/${gw.c1fine.p99} | ${ref.c1fine.p50}/${ref.c1fine.p99} | ${signed(c.addedP50c1)} ms p50${c.addedP50c1Rounds ? ` (median of ${c.addedP50c1Rounds.map(signed).join(' / ')})` : ''} |`,
    );
    const nf = result.noFlush;
    if (nf && gw === result.gateways[0])
      L.push(
        `| c1 p50/p99 ms (fine clock), side gateway with CREDITS_SYNCHRONOUS_COMMIT=off (decision 0036; not judged) | ${nf.c1fine.p50}/${nf.c1fine.p99} | ${ref.c1fine.p50}/${ref.c1fine.p99} | ${signed(nf.addedP50c1)} ms p50 (median of ${nf.addedP50c1Rounds.map(signed).join(' / ')}) |`,
      );
    const fl = result.floor;
    // What the gateway adds over the floor: the median of the per-round differences.
    const overFloor = (g, f) => round(median((g ?? []).map((v, i) => diff(v ?? null, f?.[i] ?? null))), 3);
    if (fl && gw === result.gateways[0])
      L.push(
        `| c1 p50/p99 ms (fine clock), floor: the reference plus one durable one-row commit before the answer (not judged) | ${fl.c1fine.p50}/${fl.c1fine.p99} | ${ref.c1fine.p50}/${ref.c1fine.p99} | ${signed(fl.addedP50c1)} ms p50 (median of ${fl.addedP50c1Rounds.map(signed).join(' / ')}); the gateway adds ${signed(overFloor(gw.c1fine.rounds, fl.c1fine.rounds))} ms over the floor (median of the rounds) |`,
      );
    L.push(
      `| stream TTFB p50/p99 ms | ${gw.stream.ttfbP50}/${gw.stream.ttfbP99} | ${ref.stream.ttfbP50}/${ref.stream.ttfbP99} | ${signed(c.streamTtfbOverheadP50)} / ${signed(c.streamTtfbOverheadP99)} ms |`,
    );
    if (fl && gw === result.gateways[0])
      L.push(
        `| stream TTFB p50/p99 ms, floor: the reference plus a hold (one row, no flush) committed before the first byte (not judged) | ${fl.stream.ttfbP50}/${fl.stream.ttfbP99} | ${ref.stream.ttfbP50}/${ref.stream.ttfbP99} | ${signed(fl.ttfbOverhead)} ms p50 (median of ${fl.ttfbOverheadRounds.map(signed).join(' / ')}); the gateway adds ${signed(overFloor(gw.stream.rounds, fl.stream.rounds))} ms over the floor (median of the rounds) |`,
      );
    L.push(
      `| stream chunk gap p50/p99 ms (upstream spacing ${CHUNK_DELAY_MS}) | ${gw.stream.gapP50}/${gw.stream.gapP99} | ${ref.stream.gapP50}/${ref.stream.gapP99} | p99 ${c.gapP99VsUpstream}x |`,
    );
    if (gw.stream.lastGapP50 !== undefined)
      L.push(
        `| stream gaps apart: content chunks p99 / the last gap (to [DONE]) p50, p99 ms | ${gw.stream.innerGapP99} / ${gw.stream.lastGapP50}, ${gw.stream.lastGapP99} | ${ref.stream.innerGapP99} / ${ref.stream.lastGapP50}, ${ref.stream.lastGapP99} | content p99 ${ratio(gw.stream.innerGapP99, ref.stream.innerGapP99) ?? 'n/a'}x; last gap p50 ${signed(diff(gw.stream.lastGapP50, ref.stream.lastGapP50))} ms${fl && gw === result.gateways[0] ? ` (floor: ${signed(diff(fl.stream.lastGapP50, ref.stream.lastGapP50))} ms)` : ''} |`,
      );
    L.push(
      `| stream events / socket reads per stream | ${gw.stream.eventsPerStream} / ${gw.stream.readsPerStream} | ${ref.stream.eventsPerStream} / ${ref.stream.readsPerStream} | ${c.eventsOneForOne ? 'one for one' : 'DIFFERENT'} |`,
    );
    for (const k of Object.keys(gw.prompt))
      L.push(
        `| prompt ${k} tokens p50/p99 ms | ${gw.prompt[k].p50}/${gw.prompt[k].p99} | ${ref.prompt[k].p50}/${ref.prompt[k].p99} | ${signed(c.promptOverhead[k])} ms |`,
      );
    if (gw.promptPaired && ref.promptPaired)
      for (const k of Object.keys(gw.promptPaired))
        L.push(
          `| prompt ${k} tokens p50/p99 ms, paired turns with the reference (judged) | ${gw.promptPaired[k].p50}/${gw.promptPaired[k].p99} (${gw.promptPaired[k].n} calls) | ${ref.promptPaired[k].p50}/${ref.promptPaired[k].p99} (${ref.promptPaired[k].n} calls) | ${signed(c.promptPairedOverhead[k])} ms |`,
        );
    L.push(
      `| head-of-line: small stream TTFB p50/p99 ms beside 3x100k loops | ${gw.headOfLine.ttfbP50}/${gw.headOfLine.ttfbP99} (${gw.headOfLine.bigCalls} big) | ${ref.headOfLine.ttfbP50}/${ref.headOfLine.ttfbP99} (${ref.headOfLine.bigCalls} big) | |`,
    );
    const f = gw.keyFlood;
    L.push(
      f.dbTransactions === undefined
        ? `| key flood (random invalid keys, c32) req/s | ${f.rps} (${f.refused}/${f.total} refused; DB ${f.dbTransactionsPerRequest} xact, ${f.dbTuplesReturnedPerRequest} tuples per request) | ${ref.keyFlood.rps} (simulator accepts any key) | |`
        : `| key flood (random invalid keys, c32, 401s held past the address's budget) req/s | ${f.rps} (${f.refused}/${f.total} refused; DB ${f.dbTransactions} xact, ${f.dbTuplesReturned} tuples in all, background jobs included) | ${ref.keyFlood.rps} (simulator accepts any key) | |`,
    );
    L.push(
      `| valid c1 p50/p99 ms during flood | ${f.validDuringFlood.p50}/${f.validDuringFlood.p99} | ${ref.keyFlood.validDuringFlood.p50}/${ref.keyFlood.validDuringFlood.p99} | vs quiet c1 p50 ${gw.c1fine.p50} |`,
    );
    if (gw.routed) {
      const r = gw.routed;
      L.push(
        `| routed (weighted route, 2 targets) c1 p50/p99 ms | ${r.c1.p50}/${r.c1.p99} | | ${signed(diff(r.c1.p50, gw.c1fine.p50))} ms over plain c1 |`,
        `| routed c16 req/s | ${r.c16.rps} (errors ${r.c16.errors}) | ${ref.plain.c16?.rps ?? 'n/a'} | ${ratio(r.c16.rps, gw.plain.c16?.rps ?? null) ?? 'n/a'}x of plain c16 |`,
      );
    }
    if (gw.messages) {
      const m = gw.messages;
      L.push(
        `| /v1/messages (Anthropic dialect, sim-gpt) c1 p50/p99 ms | ${m.c1.p50}/${m.c1.p99} | | ${signed(diff(m.c1.p50, gw.c1fine.p50))} ms over plain c1 |`,
        `| /v1/messages c16 req/s | ${m.c16.rps} (errors ${m.c16.errors}) | ${ref.plain.c16?.rps ?? 'n/a'} | ${ratio(m.c16.rps, gw.plain.c16?.rps ?? null) ?? 'n/a'}x of plain c16 |`,
      );
    }
    if (gw.cacheHit) {
      const h = gw.cacheHit;
      L.push(
        `| response-cache hit (sim-gpt, x-switchyard-cache) c1 p50/p99 ms | ${h.c1.p50}/${h.c1.p99} | | ${signed(diff(h.c1.p50, gw.c1fine.p50))} ms against plain c1 |`,
        `| response-cache hit c16 req/s | ${h.c16.rps} (errors ${h.c16.errors}) | ${ref.plain.c16?.rps ?? 'n/a'} | ${ratio(h.c16.rps, gw.plain.c16?.rps ?? null) ?? 'n/a'}x of plain c16 |`,
      );
    }
    if (gw.auto) {
      const a = gw.auto;
      L.push(
        `| auto (rules classifier, single) c1 p50/p99 ms | ${a.c1.p50}/${a.c1.p99} | | ${signed(diff(a.c1.p50, gw.c1fine.p50))} ms over plain c1 |`,
        `| auto c16 req/s | ${a.c16.rps} (errors ${a.c16.errors}) | ${ref.plain.c16?.rps ?? 'n/a'} | ${ratio(a.c16.rps, gw.plain.c16?.rps ?? null) ?? 'n/a'}x of plain c16 |`,
      );
    }
    L.push(...failoverRows(gw));
    if (gw.plainRepeat) L.push(`| repeat c64 req/s | ${gw.plainRepeat.rps} | | |`);
    if (gw.rss)
      L.push(
        `| gateway RSS idle / peak / after 5 s / after 30 s${gw.rss.afterReduce ? ` / after ${gw.rss.afterReduce.seconds} s` : ''} MB | ${gw.rss.idle} / ${gw.rss.peak} / ${gw.rss.after} / ${gw.rss.after30 ?? 'n/a'}${gw.rss.afterReduce ? ` / ${gw.rss.afterReduce.mb}` : ''} | | |`,
      );
    if (gw.rss?.peakByScenario)
      L.push(
        `| gateway RSS peak MB by scenario (top 4) | ${Object.entries(gw.rss.peakByScenario)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} | | |`,
      );
    L.push('', '| target | value | status |', '|---|---|---|');
    for (const [t, v, s] of targets(c, gw)) L.push(`| ${t} | ${v} | ${s} |`);
    L.push('');
  }
  const [pgOnly, withRedis] = result.gateways;
  if (pgOnly && withRedis) {
    // Redis shares limits and cooldowns between instances; it should cost (almost) nothing.
    // Paired by round when the two ran in the same rounds: the median of the per-round differences.
    const a = withRedis.roundsRaw;
    const b = pgOnly.roundsRaw;
    const byRound =
      a && b && a.length === b.length ? a.map((r, i) => diff(r.c1fine.p50, b[i].c1fine.p50)) : null;
    const d = byRound ? round(median(byRound), 3) : diff(withRedis.c1fine.p50, pgOnly.c1fine.p50);
    L.push(
      '| target | value | status |',
      '|---|---|---|',
      `| Redis on: c1 p50 within 0.2 ms of the Postgres-only pass | ${signed(d)} ms (${
        byRound
          ? `median of the rounds' ${byRound.map(signed).join(' / ')}`
          : `${withRedis.c1fine.p50} vs ${pgOnly.c1fine.p50}`
      }) | ${d === null ? 'n/a' : d <= 0.2 ? 'met' : 'MISSED'} |`,
      '',
    );
  }
  return L.join('\n');
}

/**
 * What one commit costs on this Postgres, with and without waiting for its WAL flush: one-row
 * inserts, one after another, in blocks that alternate so a drifting host moves both alike. A
 * settled call's answer waits for a durable commit (decision 0007), so the difference is a floor
 * under the added c1 latency that no gateway code can remove.
 */
async function commitProbe(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE TABLE bench_commit_probe (id bigserial PRIMARY KEY, v int)');
    const insert = await probeFlush(c, () => c.query('INSERT INTO bench_commit_probe (v) VALUES (1)'));
    // The gateway's own statement for a settled call without a hold (credits_charge, named as the
    // gateway names it), charging the bench's admin 1 micro-credit a time (the first call makes its
    // account, with a 1-credit signup grant of the probe's own): what the floor's one-row commit
    // stands in for. A failure here leaves the insert's numbers standing.
    const charge = await chargeProbe(c).catch((e) => {
      log('charge probe failed:', e.message);
      return { on: null, off: null };
    });
    // A difference of medians: on a noisy host (or with fsync off) it can come out at or below 0.
    return {
      durableP50: insert.on,
      noFlushP50: insert.off,
      flushMs: round(Math.max(0, insert.on - insert.off), 3),
      chargeDurableP50: charge.on,
      chargeNoFlushP50: charge.off,
    };
  } finally {
    await c.query('DROP TABLE IF EXISTS bench_commit_probe').catch(() => null);
    await c.end();
  }
}

/** The charge statement's p50 round trips (see commitProbe); every charge must be taken. */
async function chargeProbe(c) {
  const { statementOf, STATEMENT_NAMES } =
    await import('../dist/libs/credits/src/repositories/ledger-batcher.js');
  const admin = (await c.query('SELECT id, tenant_id FROM users WHERE email = $1', [ADMIN.email])).rows[0];
  if (!admin) throw new Error(`no user ${ADMIN.email} in the gateway's database`);
  return probeFlush(c, async () => {
    const op = {
      op: 'charge',
      tenant: admin.tenant_id,
      user: admin.id,
      key: null,
      request: `probe_${randomUUID()}`,
      amount: '1',
      signup: '1000000',
      metadata: { probe: true },
      idem: `probe:${randomUUID()}`,
    };
    const [text, values] = statementOf([{ op }]);
    const { rows } = await c.query({ name: STATEMENT_NAMES.get(text), text, values });
    if (rows[0]?.r_status !== 'ok') throw new Error(`the charge was refused: ${rows[0]?.r_status}`);
  });
}

/** p50 round trips of `run`, with `synchronous_commit` on and off in alternating blocks. */
async function probeFlush(c, run) {
  const ms = { on: [], off: [] };
  for (let block = 0; block < 6; block++) {
    const mode = block % 2 === 0 ? 'on' : 'off';
    await c.query(`SET synchronous_commit = ${mode}`);
    for (let i = 0; i < (QUICK ? 50 : 400); i++) {
      const t0 = performance.now();
      await run();
      ms[mode].push(performance.now() - t0);
    }
  }
  return { on: round(pct(ms.on, 50), 3), off: round(pct(ms.off, 50), 3) };
}

/**
 * Per-call statement counts and executor time from pg_stat_statements, when the server loads it
 * (shared_preload_libraries); null otherwise (the default on the CI machines: nothing to set up).
 */
async function statementStats(admin, dbName) {
  const loaded = await admin
    .query(`SELECT current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%' AS on`)
    .then((r) => r.rows[0].on)
    .catch(() => false);
  if (!loaded) return null;
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const where = `dbid = (SELECT oid FROM pg_database WHERE datname = $1)`;
  return {
    reset: () => admin.query('SELECT pg_stat_statements_reset()'),
    perCall: async (calls) => {
      const n = Math.max(1, calls ?? 0);
      const { rows } = await admin.query(
        // A ledger statement names its columns before its function: the function's name first.
        `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query,
                substring(query from 'FROM (credits_[a-z_]+)\\(') AS fn, calls::int, total_exec_time AS ms
           FROM pg_stat_statements WHERE ${where} ORDER BY total_exec_time DESC`,
        [dbName],
      );
      return {
        statementsPerCall: round(rows.reduce((a, r) => a + r.calls, 0) / n, 2),
        execMsPerCall: round(rows.reduce((a, r) => a + r.ms, 0) / n, 3),
        top: rows.slice(0, 4).map((r) => ({
          query: r.fn ? `${r.fn}: ${r.query}` : r.query,
          perCall: round(r.calls / n, 2),
          msPerCall: round(r.ms / n, 3),
        })),
      };
    },
  };
}

// ---------------------------------------------------------------- services' cores
/** Each service process's allowed CPUs before pinning, to give back after the run. */
let servicesPinned = null;

/** Pins Postgres and Redis (every thread; new backends inherit the postmaster's mask) to core 0. */
function pinServices() {
  const saved = new Map();
  for (const pid of pidsNamed('postgres', 'redis-server')) {
    try {
      const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      execFileSync('taskset', ['-a', '-p', '-c', '0', String(pid)], { stdio: 'ignore' });
      if (list) saved.set(pid, list);
    } catch {
      // not ours to move (another user's service): it stays as it is
    }
  }
  servicesPinned = saved;
  return saved.size;
}

/** Gives the services their CPUs back, including backends started during the run. */
function unpinServices() {
  if (!servicesPinned) return;
  const all = `0-${os.cpus().length - 1}`;
  const fallback = [...servicesPinned.values()][0] ?? all;
  for (const pid of pidsNamed('postgres', 'redis-server')) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', servicesPinned.get(pid) ?? fallback, String(pid)], {
        stdio: 'ignore',
      });
    } catch {
      // exited meanwhile
    }
  }
  servicesPinned = null;
}

// ---------------------------------------------------------------- main
async function main() {
  const t0 = Date.now();
  // Every thread of this process (the load generator) to core 0; the children go to core 1.
  if (PIN) execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  const pinnedServices = PIN_SERVICES ? pinServices() : 0;
  if (PIN_SERVICES) log('Postgres and Redis processes pinned to core 0:', pinnedServices);
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  // Each gateway pass gets a database of its own, so the second (Redis) pass does not start on
  // the first one's tables and dead rows and the two compare like with like.
  const createDatabase = async () => {
    const name = `sy_bench_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name}`);
    cleanupDbs.add(name);
    // Development aid: every statement with its duration in the server log.
    if (process.env.BENCH_PGLOG)
      await admin.query(`ALTER DATABASE ${name} SET log_min_duration_statement = 0`);
    const url = Object.assign(new URL(PG_URL), { pathname: `/${name}` }).toString();
    const db = {
      stats: async () => {
        const r = await admin.query('SELECT pg_stat_force_next_flush()').catch(() => null);
        void r;
        const s = await admin.query(
          'SELECT xact_commit + xact_rollback AS xact, tup_returned + tup_fetched AS tup FROM pg_stat_database WHERE datname = $1',
          [name],
        );
        return { xact: Number(s.rows[0].xact), tup: Number(s.rows[0].tup) };
      },
      statements: await statementStats(admin, name),
    };
    return { name, url, db };
  };
  const dropDatabase = async (name) => {
    await admin
      .query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      .catch((e) => log('drop failed', e.message));
    cleanupDbs.delete(name);
  };
  let sim;
  let refProxy;
  let noFlush = null;
  let floor = null;
  const gateways = [];
  const result = {
    at: new Date().toISOString(),
    quick: QUICK,
    pinned: PIN,
    servicesPinned: pinnedServices > 0,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      os: `${os.type()} ${os.release()}`,
    },
    gatewayNodeFlags: GATEWAY_NODE_FLAGS.join(' '),
    gatewayEnv: process.env.BENCH_GATEWAY_ENV?.trim() || undefined,
    gateways: [],
  };
  try {
    sim = await start(
      'simulator',
      [join(ROOT, 'dist/apps/simulator/src/main.js')],
      {
        SIMULATOR_PORT: '0',
        SIMULATOR_LATENCY_MS: '0',
        SIMULATOR_CHUNK_DELAY_MS: String(CHUNK_DELAY_MS),
        SIMULATOR_RECORD: 'false',
      },
      /listening on (http:\/\/\S+)/,
    );
    refProxy = await start(
      'reference',
      [join(ROOT, 'bench/reference-proxy.mjs')],
      { TARGET: sim.url },
      /listening on (http:\/\/\S+)/,
    );
    log('simulator', sim.url, 'reference', refProxy.url);
    // The floor (bench/floor-proxy.mjs): the reference plus the money rules' least Postgres work,
    // in a database of its own; measured in the paired c1 loop and in each round's streams.
    {
      const { name: dbName, url: dbUrl } = await createDatabase();
      floor = { name: 'floor', key: 'sk-floor', dbName, rounds: [] };
      floor.proc = await start(
        'floor',
        [join(ROOT, 'bench/floor-proxy.mjs')],
        { TARGET: sim.url, PG_URL: dbUrl },
        /listening on (http:\/\/\S+)/,
      );
      Object.assign(floor, { url: floor.proc.url, pid: floor.proc.child.pid });
      log('floor', floor.url);
    }
    // Every target up at once (each gateway with a database of its own), so that the judged rows
    // can run in interleaved rounds.
    const ref = {
      name: 'reference',
      url: refProxy.url,
      key: 'sk-reference',
      pid: refProxy.child.pid,
      db: null,
    };
    for (const withRedis of WITH_REDIS ? [false, true] : [false]) {
      const name = withRedis ? 'postgres + redis' : 'postgres';
      const { name: dbName, url: dbUrl, db } = await createDatabase();
      log(name, 'database', dbName);
      const t = { name, dbName, dbUrl, db, withRedis };
      gateways.push(t);
      t.gw = await startGateway(sim.url, dbUrl, withRedis);
      const { key, failover, routed } = await seed(t.gw.url);
      Object.assign(t, {
        url: t.gw.url,
        key,
        pid: t.gw.child.pid,
        routed,
        failover: { ...failover, sim: sim.url },
      });
    }
    // A side gateway with CREDITS_SYNCHRONOUS_COMMIT=off (decision 0036), measured only in the
    // paired c1 loop: what an operator who accepts that trade gets at one connection.
    if (!QUICK && !process.env.BENCH_HOLD && process.env.BENCH_NO_FLUSH !== '0') {
      const { name: dbName, url: dbUrl, db } = await createDatabase();
      const name = 'postgres, CREDITS_SYNCHRONOUS_COMMIT=off';
      log(name, 'database', dbName);
      noFlush = { name, dbName, dbUrl, db, withRedis: false };
      noFlush.gw = await startGateway(sim.url, dbUrl, false, { CREDITS_SYNCHRONOUS_COMMIT: 'off' });
      const { key } = await seed(noFlush.gw.url);
      Object.assign(noFlush, { url: noFlush.gw.url, key, pid: noFlush.gw.child.pid, rounds: [] });
    }
    if (process.env.BENCH_HOLD) {
      // Development aid: keep everything up for manual probing (Ctrl-C ends and cleans up).
      console.log(
        JSON.stringify({
          gateways: gateways.map((t) => ({
            name: t.name,
            gateway: t.url,
            gatewayPid: t.pid,
            key: t.key,
            failoverKey: t.failover.apiKey,
          })),
          reference: refProxy.url,
          floor: floor.url,
          simulator: sim.url,
          // The first gateway's, as before, for scripts that read one.
          gateway: gateways[0].url,
          gatewayPid: gateways[0].pid,
          key: gateways[0].key,
        }),
      );
      await new Promise((r) => process.once('SIGINT', r));
    } else {
      const targets = [ref, ...gateways];
      result.commitProbe = await commitProbe(gateways[0].dbUrl).catch((e) => {
        log('commit probe failed:', e.message);
        return null;
      });
      // Each target is warmed up just before it is first measured (the first round's turn; the
      // side gateway, before the first paired loop), not all of them up front: the last one
      // warmed would otherwise sit quiet for the others' warm-ups and first turns, ~60 s, which is
      // when a gateway's idle collector gives its memory back (IDLE_GC_REDUCE_MS) and lets V8
      // drop the code it had just compiled (decision 0050; docs/performance.md, twenty-seventh
      // session). The floor, a plain proxy, is warmed first.
      await prepare(floor);
      const rounds = new Map(targets.map((t) => [t, []]));
      for (let i = 0; i < ROUNDS; i++) {
        // Rotate who goes first, so no target is always measured after the same one.
        const order = targets.map((_, j) => targets[(i + j) % targets.length]);
        log(`round ${i + 1} of ${ROUNDS}:`, order.map((t) => t.name).join(', '));
        let stream;
        for (const t of order) {
          if (i === 0) await prepare(t);
          rounds.get(t).push(await coreRound(t));
          // The floor's streams right after the reference's, so that the two share the host's moment.
          if (t === ref)
            stream = await streams(floor.url, floor.key, { workers: 4, seconds: QUICK ? 0.5 : 4 });
        }
        if (i === 0 && noFlush) await prepare(noFlush);
        const side = noFlush ? [floor, noFlush] : [floor];
        const fine = await pairedC1([...order, ...side], QUICK ? 0.5 : 3);
        for (const t of order) rounds.get(t).at(-1).c1fine = fine.get(t);
        if (noFlush) noFlush.rounds.push(fine.get(noFlush));
        floor.rounds.push({ c1fine: fine.get(floor), stream });
      }
      result.floor = floorRows(floor.rounds, rounds.get(ref));
      clearInterval(floor.sampler);
      await stop(floor.proc);
      if (noFlush) {
        clearInterval(noFlush.sampler);
        const added = noFlush.rounds.map((r, i) => diff(r.p50, rounds.get(ref)[i].c1fine.p50));
        result.noFlush = {
          name: noFlush.name,
          c1fine: { ...medianOf(noFlush.rounds, (r) => r.p50), rounds: noFlush.rounds.map((r) => r.p50) },
          addedP50c1: round(median(added), 3),
          addedP50c1Rounds: added,
        };
        await stop(noFlush.gw);
        await dropDatabase(noFlush.dbName);
      }
      const prompts = await pairedPrompts(targets);
      result.ref = await scenarios(ref, coreRows(rounds.get(ref)));
      result.ref.promptPaired = prompts.get(ref);
      for (const t of gateways) {
        const r = await scenarios(t, coreRows(rounds.get(t)));
        r.promptPaired = prompts.get(t);
        if (process.env.BENCH_DEBUG) log('gateway output tail:\n' + t.gw.lines.slice(-10).join('\n'));
        r.compare = compare(result.ref, r);
        result.gateways.push(r);
        await stop(t.gw);
        await dropDatabase(t.dbName);
      }
    }
  } finally {
    for (const t of noFlush ? [...gateways, noFlush] : gateways) {
      await stop(t.gw);
      await dropDatabase(t.dbName);
    }
    await stop(floor?.proc);
    if (floor) await dropDatabase(floor.dbName);
    await stop(refProxy);
    await stop(sim);
    await admin.end();
  }
  if (process.env.BENCH_HOLD) return;
  result.seconds = Math.round((Date.now() - t0) / 1000);
  const md = markdown(result) + `\nTotal ${result.seconds} s.\n`;
  const dir = join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const stamp = result.at.replace(/[:.]/g, '-');
  const suffix = QUICK ? '-quick' : '';
  writeFileSync(join(dir, `bench-${stamp}${suffix}.json`), JSON.stringify(result, null, 2));
  writeFileSync(join(dir, `bench-${stamp}${suffix}.md`), md);
  writeFileSync(join(dir, `latest${suffix}.json`), JSON.stringify(result, null, 2));
  writeFileSync(join(dir, `latest${suffix}.md`), md);
  console.log(md);
  agent.destroy();
}

const cleanupDbs = new Set();
const kill = () => {
  for (const c of children) c.kill('SIGKILL');
  unpinServices();
};
process.on('exit', kill);
// Interrupted (Ctrl-C, CI timeout): stop the processes and still drop the database.
const onSignal = (code) => {
  kill();
  const drop = cleanupDbs.size
    ? (async () => {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        for (const name of cleanupDbs) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      })()
    : Promise.resolve();
  drop.catch(() => {}).finally(() => process.exit(code));
  setTimeout(() => process.exit(code), 5000).unref();
};
if (!process.env.BENCH_HOLD) process.on('SIGINT', () => onSignal(130));
process.on('SIGTERM', () => onSignal(143));
// `--render <result.json>`: print the markdown of a saved run again (after a change to the tables).
const renderIndex = process.argv.indexOf('--render');
if (renderIndex > 0) {
  const saved = JSON.parse(readFileSync(process.argv[renderIndex + 1], 'utf8'));
  console.log(markdown(saved) + `\nTotal ${saved.seconds} s.\n`);
  process.exit(0);
}
main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
