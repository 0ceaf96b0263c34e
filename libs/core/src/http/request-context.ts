import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { requestIdFor } from './request-id.js';

/** The parts of an HTTP request that code deep in a call may want without being passed them. */
interface RequestLike {
  id?: unknown;
  ip?: string;
  /** Set on /v1 requests, which are logged without a per-request child logger. */
  leanLog?: boolean;
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
  // Read lazily: the request id may be assigned by a middleware that runs after this one.
  return {
    requestId: typeof req.id === 'string' ? req.id : undefined,
    ip: typeof req.ip === 'string' ? req.ip : undefined,
  };
}

/**
 * pino `mixin`: a line logged while serving a /v1 request carries `req.id`, as the child logger
 * pino-http binds on other routes does (a line that already has `req` keeps its own).
 */
export function requestLogMixin(merge: object): object {
  const req = storage.getStore();
  if (!req?.leanLog || 'req' in merge) return {};
  return { req: { id: req.id } };
}

type Req = IncomingMessage & RequestLike & { originalUrl?: string };

/**
 * The first middleware of every request: carries it through async work. The hot /v1 surface
 * also gets its request id here and, when LOG_REQUESTS is on, one access line when it ends,
 * instead of pino-http's child logger per request (a serialized, redacted copy of the request
 * made whether anything logs or not); the management API keeps pino-http.
 */
export function requestContextMiddleware(logRequests: boolean) {
  return (req: Req, res: ServerResponse, next: () => void): void => {
    const url = req.url ?? '';
    if (url.startsWith('/v1/')) {
      req.leanLog = true;
      req.id = requestIdFor(req, res);
      if (logRequests) logWhenDone(req, res, url);
    }
    storage.run(req, next);
  };
}

function logWhenDone(req: Req, res: ServerResponse, url: string): void {
  const started = Date.now();
  const done = (): void => {
    res.off('finish', done);
    res.off('close', done);
    const log = PinoLogger.root;
    if (!log) return;
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
