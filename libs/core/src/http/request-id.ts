import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Accepts the caller's `x-request-id` when it is a sane token, otherwise generates one; echoes it
 * on the response. Every log line of the request carries it.
 */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id =
    typeof given === 'string' && SAFE_ID.test(given) ? given : `req_${randomUUID().replace(/-/g, '')}`;
  res.setHeader('x-request-id', id);
  return id;
}

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id, set by the first middleware (see request-context.ts). */
    id?: unknown;
  }
}
