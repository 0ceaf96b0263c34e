import type { ServerResponse } from 'node:http';
import { drained } from './client-send.js';

/** Stands in for the list while the rest of the answer is serialized once. */
const MARK = '\u0000switchyard-list\u0000';
const QUOTED_MARK = JSON.stringify(MARK);

/**
 * Sends `body` as JSON (exactly `JSON.stringify(body)`, status 200) with the list under `key`
 * written one item at a time, waiting for the client between writes (chunked, no
 * Content-Length): a large answer (2,048 embeddings of 3,072 floats is ~130 MB of JSON) is never
 * one string and one buffer of its whole size, only one item's. Stops writing when the client
 * goes away (or the send timeout cuts it off). Headers set before stay.
 */
export async function sendJsonList(res: ServerResponse, body: object, key: string): Promise<void> {
  const items = (body as Record<string, unknown>)[key];
  const rest = JSON.stringify({ ...body, [key]: MARK });
  // The mark once, where the list is (a value of the answer that spelled it would make it twice).
  const at = Array.isArray(items) ? rest.indexOf(QUOTED_MARK) : -1;
  const once = at >= 0 && rest.indexOf(QUOTED_MARK, at + 1) < 0;
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  if (!once) {
    res.end(JSON.stringify(body));
    return;
  }
  if (!res.write(`${rest.slice(0, at)}[`)) await drained(res);
  const list = items as unknown[];
  for (let i = 0; i < list.length && !res.destroyed; i++) {
    // As JSON.stringify writes an array's holes and undefined items: null.
    const item = JSON.stringify(list[i]) ?? 'null';
    if (!res.write(i === 0 ? item : `,${item}`)) await drained(res);
  }
  if (!res.destroyed) res.end(`]${rest.slice(at + QUOTED_MARK.length)}`);
}
