import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { requestIdFor } from './request-id.js';

/** The parts of an HTTP request that code deep in a call may want without being passed them. */
interface RequestLike {
  id?: unknown;
  ip?: string;
}

const storage = new AsyncLocalStorage<RequestLike>();

/**
 * The request id and client address of the HTTP request this code runs for, if any: services
 * deep in a call (auth, the key vault) record activity with them without every signature
 * passing them along.
 */
export function currentRequestContext(): { requestId?: string; ip?: string } {
  const req = storage.getStore();
  if (!req) return {};
  // Read lazily: Express sets `ip` after this middleware has run.
  return {
    requestId: typeof req.id === 'string' ? req.id : undefined,
    ip: typeof req.ip === 'string' ? req.ip : undefined,
  };
}

/**
 * pino `mixin`: a line logged while serving a request carries `req.id` (a line that already has
 * `req` keeps its own), with no child logger per request.
 */
export function requestLogMixin(merge: object): object {
  const req = storage.getStore();
  if (!req || req.id === undefined || 'req' in merge) return {};
  return { req: { id: req.id } };
}

type Req = IncomingMessage & RequestLike & { originalUrl?: string };

export interface RequestContextOptions {
  /** Where the access line of each request goes; none when LOG_REQUESTS is off. */
  accessLog?: Pick<Logger, 'info' | 'error'>;
}

/**
 * The first middleware of every request: gives it its id (echoed as `x-request-id`), carries it
 * through async work, and, with an access log, writes one line when the request ends (health
 * checks excepted).
 */
export function requestContextMiddleware(options: RequestContextOptions = {}) {
  return (req: Req, res: ServerResponse, next: () => void): void => {
    req.id = requestIdFor(req, res);
    const url = req.url ?? '';
    if (options.accessLog && !url.startsWith('/api/v1/health')) logWhenDone(options.accessLog, req, res, url);
    storage.run(req, next);
  };
}

function logWhenDone(log: Pick<Logger, 'info' | 'error'>, req: Req, res: ServerResponse, url: string): void {
  const started = Date.now();
  const done = (): void => {
    res.off('finish', done);
    res.off('close', done);
    const line = {
      req: { id: req.id, method: req.method, url },
      res: { statusCode: res.statusCode },
      responseTime: Date.now() - started,
    };
    if (res.statusCode >= 500) log.error(line, 'request errored');
    else if (!res.writableFinished) log.info(line, 'request aborted');
    else log.info(line, 'request completed');
  };
  res.on('finish', done);
  res.on('close', done);
}
