// Where a non-streaming call's wall time goes, step by step: a preload for a held gateway.
//   BENCH_HOLD=1 BENCH_REDIS=0 BENCH_NODE_FLAGS="--max-old-space-size=1024 --import $PWD/bench/c1-timeline.mjs" \
//     node bench/run.mjs
//   kill -USR2 <gatewayPid>   # start recording; run a c1 load (wrk -c1, or any one-at-a-time client)
//   kill -USR2 <gatewayPid>   # stop: medians in ms go to $C1_TIMELINE_OUT
// (default: c1-timeline.json in the gateway's working directory, a temporary one under the bench;
// BENCH_GATEWAY_ENV='C1_TIMELINE_OUT=/tmp/c1.json' puts it elsewhere).
// It listens to Node's and undici's diagnostics channels (request start, upstream request sent,
// upstream headers and body, response finished) and times the call's first ledger statement
// (credits_charge / credits_settle / credits_reserve / credits_apply; for a non-streaming call
// charged without a hold, its settlement) from the pg call to its socket write, the first byte
// back and the callback. One call at a time: with several in flight the steps mix. Not for production.
import dc from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { requestMoments } from './request-moments.mjs';

const OUT = process.env.C1_TIMELINE_OUT ?? join(process.cwd(), 'c1-timeline.json');
const now = () => Number(process.hrtime.bigint()) / 1e6;
let on = false;
const moments = requestMoments(now, () => on);
const rows = moments.rows;

dc.subscribe('undici:request:trailers', () => {
  const cur = moments.current();
  if (cur && cur.body === undefined) cur.body = now();
});

// The gateway's pg, wrapped where its ledger statements go through.
// (CommonJS: the same module instance the gateway's TypeORM loads.)
const pg = createRequire(import.meta.url)('pg');
const query = pg.Client.prototype.query;
const LEDGER = /credits_(charge|settle|reserve|apply)\(/;
pg.Client.prototype.query = function (config, values, callback) {
  const text = typeof config === 'string' ? config : config?.text;
  const r = moments.current();
  if (
    !r ||
    r.pgSent !== undefined ||
    typeof text !== 'string' ||
    !LEDGER.test(text) ||
    typeof callback !== 'function'
  )
    return query.apply(this, arguments);
  r.pgSent = now();
  const stream = this.connection?.stream;
  if (stream && !stream.timelineProbe) {
    stream.timelineProbe = true;
    const write = stream.write;
    stream.write = function (...args) {
      const q = stream.timelineRow;
      if (q && q.pgWrite === undefined) q.pgWrite = now();
      return write.apply(this, args);
    };
    stream.prependListener('data', () => {
      const q = stream.timelineRow;
      if (q && q.pgData === undefined) q.pgData = now();
    });
  }
  if (stream) stream.timelineRow = r;
  return query.call(this, config, values, function (...args) {
    r.pgDone = now();
    return callback.apply(this, args);
  });
};

function median(pick) {
  const v = rows
    .map(pick)
    .filter((x) => Number.isFinite(x))
    .sort((a, b) => a - b);
  return v.length ? Number(v[Math.floor((v.length - 1) / 2)].toFixed(3)) : null;
}

process.on('SIGUSR2', () => {
  if (!on) {
    on = true;
    rows.length = 0;
    return;
  }
  on = false;
  writeFileSync(
    OUT,
    JSON.stringify({
      calls: rows.length,
      toUpstreamSent: median((r) => r.sent - r.start),
      upstreamHeaders: median((r) => r.headers - r.sent),
      upstreamBody: median((r) => r.body - r.headers),
      bodyToLedgerSent: median((r) => r.pgSent - r.body),
      ledgerRoundTrip: median((r) => r.pgDone - r.pgSent),
      ledgerSocket: median((r) => r.pgData - r.pgWrite),
      ledgerDoneToFinish: median((r) => r.finish - r.pgDone),
      total: median((r) => r.finish - r.start),
    }),
  );
});
