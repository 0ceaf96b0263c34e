// The gateway's CPU per call by stage, from a V8 .cpuprofile (node --cpu-prof) of a load run:
//   node bench/stages.mjs <file>.cpuprofile [calls]
// WINDOW=<from>-<to> keeps the samples of those seconds after the profile's start (the load).
// Each sample goes to the innermost frame of its stack that a stage below claims, so a pg parse
// under the ledger batcher is "database client", not "settlement"; what no stage claims is
// "node core" (node: frames) or "other". With [calls] (the calls served in the window) it prints
// microseconds of CPU per call as well as shares. Async continuations carry only their own
// frames, so e.g. the reservation's SQL round trip shows up as "database client", not under the
// reservation: read the stages as "where the CPU goes", not "how long each step waits".
import { readFileSync } from 'node:fs';

const STAGES = [
  ['GC', /^\(garbage collector\)/],
  ['socket writes (writev, native)', /^writev /],
  [
    'upstream client (undici, transport)',
    /undici|openai-http\.transport|openai-compatible|client-cache|outbound|eventsource-parser/,
  ],
  [
    'database client (pg, batcher)',
    /node_modules\/(pg|pg-protocol|pg-pool|pg-types|typeorm)\/|ledger-batcher|credits-apply/,
  ],
  ['usage record', /usage-recorder|usage\.repository/],
  ['settlement', /^settle |^settled |settle@|call-metering.*settle|credits\.service.*settle/],
  [
    'reservation',
    /^reserve |call-metering.*reserve|credits\.service.*reserve|credits-metering|headroom|live-reservations|pricing/,
  ],
  [
    'auth (keys, JWT)',
    /caller\.guard|api-key|access-tokens|auth-cache|invalid-key|@nestjs\/jwt|jsonwebtoken/,
  ],
  ['rate limits', /rate-limit|counter-store|counters/],
  [
    'parse (body, JSON, validation)',
    /body-parser|raw-body|json-body|lean-json|type-is|content-type|iconv|request-validation|ajv|validate\d+/,
  ],
  [
    'routing, keys, breakers',
    /libs\/routing|libs\/key-vault|libs\/providers\/src\/(catalog|resolver)|cockatiel|lru-cache/,
  ],
  ['relay and answer', /chat-output|stream-relay|sse-writer|_http_outgoing|_http_server.*(writeHead|end)/],
  [
    'request context, ids, logging, telemetry',
    /request-context|request-id|app-logger|logging|libs\/observability|prom-client|async_hooks/,
  ],
  [
    'framework (express, router, nest)',
    /node_modules\/(router|express|@nestjs|rxjs|reflect-metadata|path-to-regexp|finalhandler|on-finished)\/|hot-routes|configure-http/,
  ],
  ['chat service (the rest of libs/chat)', /libs\/chat\//],
  ['other Switchyard code', /dist\/(libs|apps)\//],
];

const [file, callsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/stages.mjs <file.cpuprofile> [calls]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url}`;

const [from, to] = (process.env.WINDOW ?? '0-1e9').split('-').map((s) => Number(s) * 1e6);
const stageOf = new Map(); // node id -> stage, memoized
function stage(id) {
  if (stageOf.has(id)) return stageOf.get(id);
  const n = byId.get(id);
  const text = label(n);
  let found = STAGES.find(([, re]) => re.test(text))?.[0];
  if (!found) {
    const p = parent.get(id);
    found = p === undefined ? null : stage(p);
  }
  stageOf.set(id, found);
  return found;
}

const totals = new Map();
let busy = 0;
let clock = 0;
for (let i = 0; i < profile.samples.length; i++) {
  clock += profile.timeDeltas[i] ?? 0;
  if (clock < from || clock > to) continue;
  const n = byId.get(profile.samples[i]);
  const name = n.callFrame.functionName;
  if (name === '(idle)') continue;
  const us = profile.timeDeltas[i] ?? 0;
  busy += us;
  let s = stage(n.id);
  if (!s)
    s = n.callFrame.url.startsWith('node:')
      ? 'node core (http, net, timers, promises)'
      : `other (${name || 'anonymous'})`;
  if (s.startsWith('other (')) s = name === '(program)' || name === '(root)' ? 'V8 (program)' : 'other';
  totals.set(s, (totals.get(s) ?? 0) + us);
}
const calls = Number(callsArg ?? 0);
console.log(
  `busy CPU sampled: ${(busy / 1e6).toFixed(2)} s${calls ? `, ${calls} calls: ${Math.round(busy / calls)} µs per call` : ''}`,
);
console.log('');
console.log(`| stage | share |${calls ? ' µs per call |' : ''}`);
console.log(`|---|---|${calls ? '---|' : ''}`);
for (const [k, v] of [...totals].sort((a, b) => b[1] - a[1]))
  console.log(`| ${k} | ${((100 * v) / busy).toFixed(1)}% |${calls ? ` ${Math.round(v / calls)} |` : ''}`);
