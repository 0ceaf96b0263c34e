import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloseSignal } from './close.signal.js';
import type { Exchange } from './exchange.types.js';

/** Bodies above this are refused; audio uploads are the largest thing we expect. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

/** Reads the whole request body. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Waits `ms`; resolves false (never throws) when the connection closes first. */
export function delay(ms: number, signal: CloseSignal): Promise<boolean> {
  if (signal.closed) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const unsubscribe = signal.onClose(() => {
      clearTimeout(timer);
      resolve(false);
    });
    const timer = setTimeout(() => {
      unsubscribe();
      resolve(true);
    }, ms);
  });
}

/** Sends a JSON body as is: used for errors and control responses, which faults never alter. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(payload.length),
    ...headers,
  });
  res.end(payload);
}

/**
 * Sends a successful non-stream body, honouring the request's `malformed` (half the body, declared
 * as complete, so JSON parsing fails), `drop_after` (declares the full length, sends half, then
 * kills the socket) and `pad` (white space before the body's last character) faults.
 */
export function sendPayload(
  ex: Exchange,
  contentType: string,
  payload: Buffer | string,
  headers: Record<string, string> = {},
): void {
  const { res, fault } = ex;
  let bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  if (fault.pad && bytes.length > 0) {
    const last = bytes.length - 1;
    bytes = Buffer.concat([bytes.subarray(0, last), Buffer.alloc(fault.pad, ' '), bytes.subarray(last)]);
  }
  if (fault.dropAfter !== null) {
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes.length), ...headers });
    res.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))), () => res.destroy());
    return;
  }
  const body = fault.malformed ? bytes.subarray(0, Math.floor(bytes.length / 2)) : bytes;
  res.writeHead(200, { 'content-type': contentType, 'content-length': String(body.length), ...headers });
  res.end(body);
}

/** Successful JSON answer from a provider endpoint. */
export function sendResult(ex: Exchange, body: unknown, headers: Record<string, string> = {}): void {
  sendPayload(ex, 'application/json', JSON.stringify(body), headers);
}

/** Flattens Node's header object: lower-case names, repeated values joined with ", ". */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
