// Where a stream's time to first byte goes, segment by segment: a preload for a held gateway that
// records V8's CPU profile with each sample's time, and the moments of each request (arrived, its
// upstream request written, the upstream's headers, the first byte written back), then a summary
// of what the gateway's main thread did in each segment.
//   BENCH_HOLD=1 BENCH_REDIS=0 BENCH_NODE_FLAGS="--max-old-space-size=1024 --import $PWD/bench/stream-profile.mjs" \
//     BENCH_GATEWAY_ENV='STREAM_PROFILE_OUT=/tmp/stream-profile.json' node bench/run.mjs
//   kill -USR2 <gatewayPid>   # start; send streams one at a time, a few ms apart
//   kill -USR2 <gatewayPid>   # stop: the profile and the moments go to STREAM_PROFILE_OUT
//   node bench/stream-profile.mjs /tmp/stream-profile.json   # the summary
// One request at a time: with several in flight the segments mix. Sampling every 20 µs slows the
// gateway (about twice as long per segment), so compare shares, not times, with other runs. Time
// in a segment that no sample covers is time the main thread was not running at all (on the
// bench's pinning, mostly the simulator, which shares its core). Not for production.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector';
import { fileURLToPath } from 'node:url';
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
  process.on('SIGUSR2', () => {
    if (!on) {
      on = true;
      rows.length = 0;
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 20 }, () => session.post('Profiler.start')),
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
function moduleOf(frame) {
  const url = frame.url;
  if (!url) return `(${frame.functionName || 'native'})`;
  const pkg = /node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const lib = /dist\/(libs|apps)\/([^/]+)/.exec(url);
  if (lib) return `${lib[1]}/${lib[2]}`;
  return url.startsWith('node:') ? url.replace(/^node:(internal\/)?/, 'node:').replace(/\/.*$/, '') : url;
}

function summarize(file) {
  const { rows, profile } = JSON.parse(readFileSync(file, 'utf8'));
  const done = rows.filter((r) => SEGMENTS.every(([a, b]) => r[a] !== undefined && r[b] !== undefined));
  done.sort((a, b) => a.start - b.start);
  if (done.length === 0) throw new Error(`${file}: no request with every moment recorded`);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  let t = profile.startTime;
  const times = profile.timeDeltas.map((d) => (t += d));
  const median = (values) => values.sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  console.log(`${done.length} requests, one at a time; medians, then per request in each segment:`);
  for (const [a, b, label] of SEGMENTS) {
    const byModule = new Map();
    const byFunction = new Map();
    let sampled = 0;
    let r = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      const at = times[i];
      while (r < done.length && done[r][b] < at) r++;
      if (r === done.length) break;
      if (at < done[r][a]) continue;
      const dt = (times[i + 1] ?? at) - at;
      const frame = nodes.get(profile.samples[i]).callFrame;
      const mod = moduleOf(frame);
      const fn = `${frame.functionName || '(anonymous)'} ${mod}:${frame.lineNumber + 1}`;
      byModule.set(mod, (byModule.get(mod) ?? 0) + dt);
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
      sampled += dt;
    }
    const wall = median(done.map((x) => x[b] - x[a]));
    const per = (us) => `${(us / done.length / 1000).toFixed(3)} ms`;
    console.log(`\n${label}: median ${(wall / 1000).toFixed(3)} ms; sampled ${per(sampled)} per request`);
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

if (process.argv[1] === fileURLToPath(import.meta.url)) summarize(process.argv[2] ?? 'stream-profile.json');
else record();
