import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { requestIdFor } from './request-id.js';

/** The trace a request belongs to (tracing on): the observability lib keeps its span state here. */
export interface RequestTrace {
  /** 32 hex digits, as the log line and the trace backend show it. */
  readonly traceId: string;
}

const TRACE = Symbol('switchyard.trace');

/** The parts of an HTTP request that code deep in a call may want without being passed them. */
interface RequestLike {
  id?: unknown;
  ip?: string;
  [TRACE]?: RequestTrace;
}

const storage = new AsyncLocalStorage<RequestLike>();

/**
 * The requests in flight whose code runs in the async context. While an `AsyncLocalStorage` is
 * enabled, Node 20 runs its hook for every promise and async resource made anywhere in the
 * process (a model call makes dozens), so the storage is disabled once none of these has been in
 * flight for `DISABLE_AFTER_MS` (work a request left running after its answer keeps its context
 * that long), and a model call on `/v1` does not enter it unless it is traced (decision 0037):
 * its code passes the request id and address along itself (the routing layer's `CallContext`).
 */
let inContext = 0;
/** Whether the storage is enabled (by this module's `run`, until its `disable`). */
let enabled = false;
let disableTimer: ReturnType<typeof setTimeout> | undefined;
export const DISABLE_AFTER_MS = 1000;

function enterContext(req: RequestLike, res: ServerResponse, next: () => void): void {
  inContext++;
  clearTimeout(disableTimer);
  disableTimer = undefined;
  whenDone(req as IncomingMessage, res, leaveContext);
  enabled = true;
  storage.run(req, next);
}

function leaveContext(): void {
  if (--inContext === 0) disableTimer = setTimeout(disableContext, DISABLE_AFTER_MS).unref();
}

const PENDING = Symbol('switchyard.pendingResponses');
type TrackedSocket = Socket & { [PENDING]?: Set<() => void> };

/**
 * Calls `fn` once, when the response closes or, for a pipelined response still queued behind
 * another, when its socket does: such a response never emits `close` of its own (Node 20). One
 * `close` listener per socket, however many responses wait on it.
 */
function whenDone(req: IncomingMessage, res: ServerResponse, fn: () => void): void {
  const socket = req.socket as TrackedSocket | null | undefined;
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    socket?.[PENDING]?.delete(finish);
    fn();
  };
  res.on('close', finish);
  if (!socket) return;
  let pending = socket[PENDING];
  if (!pending) {
    const waiting = new Set<() => void>();
    pending = socket[PENDING] = waiting;
    socket.once('close', () => {
      for (const waiter of [...waiting]) waiter();
    });
  }
  pending.add(finish);
}

function disableContext(): void {
  disableTimer = undefined;
  if (inContext > 0) return;
  enabled = false;
  storage.disable();
}

/** Whether a request's code runs in the async context: all but untraced model calls and health checks. */
function needsContext(req: RequestLike, url: string): boolean {
  if (req[TRACE] !== undefined) return true;
  return !url.startsWith('/v1/') && !url.startsWith('/api/v1/health');
}

/** Whether the async context's storage is enabled now (tests: it is off between requests). */
export function requestContextInUse(): boolean {
  return enabled;
}

/**
 * The request id and client address of the HTTP request this code runs for, if any: services
 * deep in a management call (auth, the key vault) record activity with them without every
 * signature passing them along. Empty for a model call on `/v1` (see `inContext`).
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
 * Captures the request context this code runs in, for a callback that will run from an event
 * outside it (a stream's `end`): `enter(fn)` runs `fn` in the captured context, as an
 * `AsyncResource` bound at capture time would, without creating an async resource per request.
 */
export function captureRequestContext(): <R>(fn: () => R) => R {
  const req = storage.getStore();
  // Once the storage is off (the request closed a while ago), running in it would turn it back on.
  return req === undefined ? (fn) => fn() : (fn) => (enabled ? storage.run(req, fn) : fn());
}

/** Attaches the request's trace (set by the tracing middleware, before the request context runs). */
export function setRequestTrace(req: object, trace: RequestTrace): void {
  (req as RequestLike)[TRACE] = trace;
}

/** The trace of the request this code runs for, when tracing is on. */
export function currentRequestTrace<T extends RequestTrace = RequestTrace>(): T | undefined {
  return storage.getStore()?.[TRACE] as T | undefined;
}

/**
 * pino `mixin`: a line logged while serving a request in the async context carries `req.id` (a
 * line that already has `req` keeps its own) and, when the request is traced, `trace_id`, with
 * no child logger per request. A model call's own lines name their request themselves.
 */
export function requestLogMixin(merge: object): object {
  const req = storage.getStore();
  if (!req) return {};
  const trace = req[TRACE];
  if (req.id === undefined || 'req' in merge) return trace ? { trace_id: trace.traceId } : {};
  return trace ? { req: { id: req.id }, trace_id: trace.traceId } : { req: { id: req.id } };
}

type Req = IncomingMessage & RequestLike & { originalUrl?: string };

/** What the error filter tells the access line about a failed request. */
export interface ResponseErrorNote {
  type: string;
  code: string | null;
  /** For a 5xx: what went wrong underneath (class and message, credentials scrubbed). */
  cause?: string;
}

const ERROR_NOTE = Symbol('switchyard.responseError');
type NotedResponse = ServerResponse & { [ERROR_NOTE]?: ResponseErrorNote };

/**
 * Called by the error filter with the error it answered and what was thrown: the request's
 * access line then carries the error's type and code and, for a 5xx, its cause.
 */
export function noteResponseError(
  res: ServerResponse,
  error: { status: number; type: string; code: string | null },
  thrown: unknown,
): void {
  const note: ResponseErrorNote = { type: error.type, code: error.code };
  if (error.status >= 500) note.cause = describeCause(thrown);
  (res as NotedResponse)[ERROR_NOTE] = note;
}

/** `Class: message`, then what caused it (`<-`), up to three deep, credentials scrubbed. */
export function describeCause(thrown: unknown): string {
  const parts: string[] = [];
  let current: unknown = thrown;
  for (let depth = 0; depth < 3 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}`);
      current = current.cause;
    } else {
      parts.push(typeof current === 'string' ? current : (JSON.stringify(current) ?? typeof current));
      break;
    }
  }
  const text = scrubSecrets(parts.join(' <- '));
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

/** Credentials a URL may carry in its query (`?key=` is how Gemini clients send theirs). */
const SECRET_QUERY = /([?&](?:key|api[_-]?key|token|access_token|password|secret|signature|sig)=)[^&#]*/gi;
/** Key and token shapes that must never reach a log line, whatever text carries them. */
const SECRET_TEXT =
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}|\bAIza[0-9A-Za-z_-]{20,}|\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** `text` with anything shaped like an API key or bearer token replaced. */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_TEXT, '[redacted]');
}

export interface RequestContextOptions {
  /** Where the access line of each request goes; none when LOG_REQUESTS is off. */
  accessLog?: Pick<Logger, 'info' | 'error'>;
  /** Counts requests and those in flight, health checks aside (the idle GC watches it, decision 0033). */
  counter?: { seen: number; inFlight: number; readonly finished: () => void };
}

/**
 * The first middleware of every request: gives it its id (echoed as `x-request-id`), carries it
 * through async work (all but untraced model calls and health checks, see `inContext`), and,
 * with an access log, writes one line when the request ends (health checks excepted).
 */
export function requestContextMiddleware(options: RequestContextOptions = {}) {
  const counter = options.counter;
  return (req: Req, res: ServerResponse, next: () => void): void => {
    req.id = requestIdFor(req, res);
    const url = req.url ?? '';
    // Health checks are neither traffic for the idle GC nor lines in the access log.
    if (!url.startsWith('/api/v1/health')) {
      if (counter) {
        counter.seen++;
        counter.inFlight++;
        whenDone(req, res, counter.finished);
      }
      if (options.accessLog) logWhenDone(options.accessLog, req, res, url);
    }
    if (!needsContext(req, url)) {
      next();
      return;
    }
    enterContext(req, res, next);
  };
}

function logWhenDone(log: Pick<Logger, 'info' | 'error'>, req: Req, res: ServerResponse, url: string): void {
  const started = Date.now();
  let logged = false;
  const done = (): void => {
    if (logged) return;
    logged = true;
    res.off('finish', done);
    const error = (res as NotedResponse)[ERROR_NOTE];
    const trace = req[TRACE];
    const line = {
      req: { id: req.id, method: req.method, url: url.replace(SECRET_QUERY, '$1[redacted]') },
      res: { statusCode: res.statusCode },
      responseTime: Date.now() - started,
      ...(error ? { error } : {}),
      ...(trace ? { trace_id: trace.traceId } : {}),
    };
    if (res.statusCode >= 500) log.error(line, 'request errored');
    else if (!res.writableFinished) log.info(line, 'request aborted');
    else log.info(line, 'request completed');
  };
  res.on('finish', done);
  whenDone(req, res, done);
}
