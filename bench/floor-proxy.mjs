// The benchmark's floor: the reference proxy plus the least Postgres work the money rules put on a
// call's path (decision 0030), and nothing else. A stream's first byte waits for a hold (one row,
// committed without the WAL flush, sent beside the upstream request); its `[DONE]` and a plain
// call's answer wait for a charge (one row, durable). What a gateway adds over this target is its
// own code; what this target adds over the reference is the host's commit and wake-up costs.
// Env: TARGET (the upstream), PG_URL (a database of its own). Prints "listening on <url>".
import http from 'node:http';
import pg from 'pg';

const target = new URL(process.env.TARGET ?? 'http://127.0.0.1:8090');
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const db = new pg.Pool({ connectionString: process.env.PG_URL, max: 4 });
await db.query(
  'CREATE TABLE IF NOT EXISTS floor_ledger (id bigserial PRIMARY KEY, amount bigint NOT NULL, at timestamptz NOT NULL DEFAULT now())',
);
const HOLD = {
  name: 'floor_hold',
  text: "INSERT INTO floor_ledger (amount) SELECT $1::bigint FROM (SELECT set_config('synchronous_commit', 'off', true)) s",
  values: [1],
};
const CHARGE = {
  name: 'floor_charge',
  text: 'INSERT INTO floor_ledger (amount) VALUES ($1::bigint)',
  values: [1],
};
const DONE = 'data: [DONE]';

const fail = (res) => {
  if (!res.headersSent) res.writeHead(502);
  res.end();
};

const server = http.createServer((req, res) => {
  // The bench's streams ask for `text/event-stream`; the hold goes out beside the upstream request.
  const stream = /event-stream/.test(req.headers.accept ?? '');
  const hold = stream ? db.query(HOLD) : null;
  // Awaited below once the upstream answers; a failure before that must not go unhandled.
  hold?.catch(() => {});
  const up = http.request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
      agent,
    },
    (upRes) => {
      if (stream) {
        hold.then(
          () => relay(upRes, res),
          () => {
            upRes.resume();
            fail(res);
          },
        );
        return;
      }
      const parts = [];
      // An upstream that closes mid-answer ends nothing by itself: the client must not wait.
      upRes.on('close', () => {
        if (!upRes.complete) res.destroy();
      });
      upRes.on('data', (c) => parts.push(c));
      upRes.on('end', () => {
        db.query(CHARGE).then(
          () => {
            const body = Buffer.concat(parts);
            const headers = { ...upRes.headers, 'content-length': String(body.length) };
            delete headers['transfer-encoding'];
            res.writeHead(upRes.statusCode ?? 502, headers);
            res.end(body);
          },
          () => fail(res),
        );
      });
    },
  );
  up.on('error', () => fail(res));
  req.pipe(up);
});

/**
 * A stream's chunks as they come, until the one with `[DONE]` (the simulator writes it in one
 * piece): that one waits for the charge, then ends the response, as a gateway ends its stream
 * without waiting for the upstream's end (anything after `[DONE]` is dropped). An upstream that
 * ends without `[DONE]` is charged before the end all the same.
 */
function relay(upRes, res) {
  res.writeHead(upRes.statusCode ?? 502, upRes.headers);
  let tail = null;
  const charge = () =>
    db.query(CHARGE).then(
      () => res.end(tail),
      () => res.destroy(),
    );
  upRes.on('data', (c) => {
    if (tail !== null) return;
    const text = c.toString('utf8');
    const at = text.indexOf(DONE);
    if (at < 0) return void res.write(c);
    if (at > 0) res.write(text.slice(0, at));
    tail = text.slice(at);
    void charge();
  });
  upRes.on('end', () => {
    if (tail !== null) return;
    tail = '';
    void charge();
  });
  upRes.on('close', () => {
    if (!upRes.complete && tail === null) res.destroy();
  });
}

server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`floor proxy listening on http://127.0.0.1:${port}`);
});
const stop = () =>
  server.close(() => db.end().finally(() => process.exit(0))) &&
  setTimeout(() => process.exit(0), 500).unref();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
