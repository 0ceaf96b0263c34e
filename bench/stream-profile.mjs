// Where a stream's time to first byte goes, segment by segment: a preload for a held gateway that
// records V8's CPU profile with each sample's time, and the moments of each request (arrived, its
// upstream request written, the upstream's headers, the first byte written back), then a summary
// of what the gateway's main thread did in each segment.
//   BENCH_HOLD=1 BENCH_REDIS=0 BENCH_NODE_FLAGS="--max-old-space-size=1024 --import $PWD/bench/stream-profile.mjs" \
//     BENCH_GATEWAY_ENV='STREAM_PROFILE_OUT=/tmp/stream-profile.json' node bench/run.mjs
//   kill -USR2 <gatewayPid>   # start; send streams one at a time, a few ms apart
//   kill -USR2 <gatewayPid>   # stop: the profile and the moments go to STREAM_PROFILE_OUT
//   node bench/stream-profile.mjs /tmp/stream-profile.json   # the summary
// One request at a time: with several in flight the segments mix. Sampling slows the gateway, so
// compare shares, not times, with other runs. A sample counts until the next one, at most twice
// the profile's median interval; the rest of a segment is shown as "not sampled": time the main
// thread did not run, or ran while V8's sampling thread (on the same core, when the gateway is
// pinned to one) did not get to interrupt it, so it is not a measure of either.
// STREAM_PROFILE_INTERVAL_US sets the sampling interval (default 100). Not for production.
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector';
import { fileURLToPath } from 'node:url';
import { sourceOf } from './profile-source.mjs';
import { requestMoments } from './request-moments.mjs';

const SEGMENTS = [
  ['start', 'sent', 'request arrived -> upstream request written'],
  ['sent', 'headers', 'upstream request written -> its headers'],
  ['headers', 'firstByte', "upstream's headers -> first byte written"],
];

function record() {
  // CLOCK_MONOTONIC in µs, the clock of the profile's sample times.
  const now = () => Number(process.hrtime.bigint() / 1000n);
  let on = false;
  const { rows, current } = requestMoments(now, () => on);
  const writeHead = http.ServerResponse.prototype.writeHead;
  http.ServerResponse.prototype.writeHead = function (...args) {
    const cur = current();
    if (cur && cur.firstByte === undefined) cur.firstByte = now();
    return writeHead.apply(this, args);
  };
  const session = new inspector.Session();
  session.connect();
  const out = process.env.STREAM_PROFILE_OUT ?? 'stream-profile.json';
  const interval = Number(process.env.STREAM_PROFILE_INTERVAL_US ?? 100);
  process.on('SIGUSR2', () => {
    if (!on) {
      rows.length = 0;
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval }, () =>
          session.post('Profiler.start', () => {
            on = true;
          }),
        ),
      );
      return;
    }
    on = false;
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(out, JSON.stringify({ rows, profile: result.profile }));
    });
  });
}

/** The package, lib or Node module a profile node's function comes from. */
const moduleOf = (frame) =>
  sourceOf(frame.url, { nodeModules: true }) ?? `(${frame.functionName || 'native'})`;

function summarize(file) {
  const { rows, profile } = JSON.parse(readFileSync(file, 'utf8'));
  const done = rows.filter((r) => SEGMENTS.every(([a, b]) => r[a] !== undefined && r[b] !== undefined));
  done.sort((a, b) => a.start - b.start);
  if (done.length === 0) throw new Error(`${file}: no request with every moment recorded`);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  let t = profile.startTime;
  const times = profile.timeDeltas.map((d) => (t += d));
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  // The most one sample stands for (see the header).
  const cap = 2 * median(profile.timeDeltas.slice(1));
  console.log(
    `${done.length} requests, one at a time; a sample counts for at most ${cap} µs (twice the median interval)`,
  );
  for (const [a, b, label] of SEGMENTS) {
    const byModule = new Map();
    const byFunction = new Map();
    let covered = 0;
    let r = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      // The sample stands for [at, end): its share of the segment is the overlap.
      const at = times[i];
      const end = at + Math.min((times[i + 1] ?? at) - at, cap);
      while (r < done.length && done[r][b] <= at) r++;
      if (r === done.length) break;
      const dt = Math.min(end, done[r][b]) - Math.max(at, done[r][a]);
      if (dt <= 0) continue;
      const frame = nodes.get(profile.samples[i]).callFrame;
      const mod = moduleOf(frame);
      const fn = `${frame.functionName || '(anonymous)'} ${mod}:${frame.lineNumber + 1}`;
      byModule.set(mod, (byModule.get(mod) ?? 0) + dt);
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
      covered += dt;
    }
    const walls = done.map((x) => x[b] - x[a]);
    const per = (us) => `${(us / done.length / 1000).toFixed(3)} ms`;
    const unsampled = Math.max(0, mean(walls) * done.length - covered);
    console.log(
      `\n${label}: mean ${(mean(walls) / 1000).toFixed(3)} ms (median ${(median(walls) / 1000).toFixed(3)});` +
        ` per request ${per(covered)} sampled, ${per(unsampled)} not sampled`,
    );
    const top = (map, n) =>
      [...map]
        .sort((x, y) => y[1] - x[1])
        .slice(0, n)
        .map(([k, v]) => `  ${per(v).padStart(9)}  ${k}`)
        .join('\n');
    console.log(`by module (self):\n${top(byModule, 12)}`);
    console.log(`by function (self):\n${top(byFunction, 12)}`);
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url))
  summarize(process.argv[2] ?? 'stream-profile.json');
else record();
