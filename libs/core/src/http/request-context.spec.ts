import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import {
  currentRequestContext,
  DISABLE_AFTER_MS,
  requestContextInUse,
  requestContextMiddleware,
  requestLogMixin,
  setRequestTrace,
} from './request-context.js';

function run(url: string, headers: Record<string, string> = {}, traceId?: string, socket?: EventEmitter) {
  const set: Record<string, unknown> = {};
  const req = { url, headers, ip: '10.0.0.7', method: 'GET', socket } as unknown as IncomingMessage;
  if (traceId) setRequestTrace(req, { traceId });
  const res = Object.assign(new EventEmitter(), {
    statusCode: 200,
    writableFinished: true,
    setHeader: (k: string, v: unknown) => (set[k] = v),
  }) as unknown as ServerResponse;
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  const accessLog = {
    info: (obj: Record<string, unknown>, msg: string) => lines.push({ level: 'info', obj, msg }),
    error: (obj: Record<string, unknown>, msg: string) => lines.push({ level: 'error', obj, msg }),
  };
  let inside:
    { context: ReturnType<typeof currentRequestContext>; mixin: object; merged: object } | undefined;
  requestContextMiddleware({ accessLog: accessLog as never })(req, res, () => {
    inside = {
      context: currentRequestContext(),
      mixin: requestLogMixin({}),
      merged: requestLogMixin({ req: {} }),
    };
  });
  return { inside: inside!, set, res, lines };
}

describe('request context', () => {
  it('gives every request an id, echoes it, and puts it on every log line made while serving it', () => {
    const { inside, set, res } = run('/api/v1/users', { 'x-request-id': 'abc-1' });
    expect(set['x-request-id']).toBe('abc-1');
    expect(inside.context).toEqual({ requestId: 'abc-1', ip: '10.0.0.7' });
    expect(inside.mixin).toEqual({ req: { id: 'abc-1' } });
    expect(inside.merged).toEqual({}); // a line that has its own req keeps it
    res.emit('close');
  });

  it('a model call runs outside the async context (its code names its request), unless traced', () => {
    const call = run('/v1/chat/completions', { 'x-request-id': 'abc-3' });
    expect(call.set['x-request-id']).toBe('abc-3');
    expect(call.inside.context).toEqual({});
    expect(call.inside.mixin).toEqual({});
    const traced = run('/v1/chat/completions', { 'x-request-id': 'abc-4' }, 'f'.repeat(32));
    expect(traced.inside.context).toEqual({ requestId: 'abc-4', ip: '10.0.0.7' });
    expect(traced.inside.mixin).toEqual({ req: { id: 'abc-4' }, trace_id: 'f'.repeat(32) });
    traced.res.emit('close');
    const health = run('/api/v1/health/ready');
    expect(health.inside.context).toEqual({});
  });

  it('turns the async context off a second after the last request in it has closed', async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await sleep(DISABLE_AFTER_MS + 100); // past the other tests' requests
    expect(requestContextInUse()).toBe(false);
    // What the storage costs: while enabled, Node 20 runs its hook for every promise made
    // anywhere and marks each with the store (one mark per enabled storage; the test runner may
    // have its own). Off, a promise carries no mark of ours. (Node 24's storage makes none.)
    const marks = (): number =>
      Object.getOwnPropertySymbols(Promise.resolve().then(() => undefined)).filter(
        (symbol) => symbol.description === 'kResourceStore',
      ).length;
    const hooked = Number(process.versions.node.split('.')[0]) < 24;
    const others = marks();
    const first = run('/api/v1/users');
    const second = run('/api/v1/tenants');
    expect(requestContextInUse()).toBe(true);
    if (hooked) expect(marks()).toBe(others + 1);
    first.res.emit('close');
    second.res.emit('close');
    // Work a request left running keeps its context a while; a request in that while keeps it on.
    await sleep(DISABLE_AFTER_MS / 2);
    const third = run('/api/v1/users');
    await sleep(DISABLE_AFTER_MS / 2 + 200);
    expect(requestContextInUse()).toBe(true);
    // A pipelined response still queued when its socket closes never emits `close` itself.
    third.res.emit('close');
    const socket = new EventEmitter();
    run('/api/v1/users', {}, undefined, socket);
    socket.emit('close');
    expect(socket.listenerCount('close')).toBe(0);
    await sleep(DISABLE_AFTER_MS + 100);
    expect(requestContextInUse()).toBe(false);
    if (hooked) expect(marks()).toBe(others);
    // The next request turns it back on, with its own context across an await.
    let seen: unknown;
    const req = { url: '/api/v1/users', headers: { 'x-request-id': 'abc-5' }, ip: '10.0.0.8' } as never;
    const res = Object.assign(new EventEmitter(), { setHeader: () => undefined }) as never as ServerResponse;
    await new Promise<void>((resolve) =>
      requestContextMiddleware()(req, res, () => {
        void Promise.resolve().then(async () => {
          await sleep(1);
          seen = currentRequestContext();
          resolve();
        });
      }),
    );
    expect(seen).toEqual({ requestId: 'abc-5', ip: '10.0.0.8' });
    expect(requestContextInUse()).toBe(true);
    res.emit('close');
  });

  it('counts a pipelined request as finished when its socket closes before its response', () => {
    let inFlight = 0;
    const counter = {
      seen: 0,
      get inFlight() {
        return inFlight;
      },
      set inFlight(n: number) {
        inFlight = n;
      },
      finished: () => inFlight--,
    };
    const socket = new EventEmitter();
    const res = () =>
      Object.assign(new EventEmitter(), { setHeader: () => undefined }) as unknown as ServerResponse;
    const first = res();
    const queued = res();
    for (const [url, r] of [
      ['/v1/chat/completions', first],
      ['/v1/chat/completions', queued],
    ] as const) {
      const req = { url, headers: {}, socket } as unknown as IncomingMessage;
      requestContextMiddleware({ counter })(req, r, () => undefined);
    }
    expect(inFlight).toBe(2);
    first.emit('close');
    expect(inFlight).toBe(1);
    socket.emit('close'); // the queued response never emits its own
    expect(inFlight).toBe(0);
    queued.emit('close'); // and a late one does not count twice
    expect(inFlight).toBe(0);
    expect(socket.listenerCount('close')).toBe(0);
  });

  it('generates an id for a request without a sane one, and is empty outside a request', () => {
    const { set, res } = run('/api/v1/users', { 'x-request-id': 'no spaces allowed' });
    expect(set['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
    res.emit('close');
    expect(currentRequestContext()).toEqual({});
    expect(requestLogMixin({})).toEqual({});
  });

  it('writes one access line when the request ends, with its status; none for health checks', () => {
    const { res, lines } = run('/api/v1/users?limit=2', { 'x-request-id': 'abc-2' });
    res.emit('finish');
    res.emit('close');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'request completed',
      obj: { req: { id: 'abc-2', method: 'GET', url: '/api/v1/users?limit=2' }, res: { statusCode: 200 } },
    });
    const health = run('/api/v1/health/ready');
    health.res.emit('finish');
    expect(health.lines).toEqual([]);
  });
});
