// The moments of the requests a held gateway serves one at a time, for the bench's timing preloads
// (c1-timeline.mjs, stream-profile.mjs).
import dc from 'node:diagnostics_channel';

/**
 * Subscribes to Node's and undici's diagnostics channels and keeps, per request while
 * `recording()` says so: `start` (the request arrived), `sent` (its first upstream request
 * written), `headers` (that upstream's headers) and `finish` (the response finished), each from
 * `now()`. A finished request goes into `rows`; `current()` is the one in progress (null between
 * requests), for a preload's own marks. With several requests in flight the moments mix.
 */
export function requestMoments(now, recording) {
  const rows = [];
  let cur = null;
  dc.subscribe('http.server.request.start', () => {
    if (recording()) cur = { start: now() };
  });
  dc.subscribe('undici:client:sendHeaders', () => {
    if (cur && cur.sent === undefined) cur.sent = now();
  });
  dc.subscribe('undici:request:headers', () => {
    if (cur && cur.headers === undefined) cur.headers = now();
  });
  dc.subscribe('http.server.response.finish', () => {
    if (!cur) return;
    cur.finish = now();
    rows.push(cur);
    cur = null;
  });
  return { rows, current: () => cur };
}
