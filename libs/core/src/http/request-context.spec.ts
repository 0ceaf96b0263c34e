import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import { currentRequestContext, requestContextMiddleware, requestLogMixin } from './request-context.js';

function run(url: string, headers: Record<string, string> = {}) {
  const set: Record<string, unknown> = {};
  const req = { url, headers, ip: '10.0.0.7', method: 'GET' } as unknown as IncomingMessage;
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
    for (const url of ['/v1/chat/completions', '/api/v1/users']) {
      const { inside, set } = run(url, { 'x-request-id': 'abc-1' });
      expect(set['x-request-id']).toBe('abc-1');
      expect(inside.context).toEqual({ requestId: 'abc-1', ip: '10.0.0.7' });
      expect(inside.mixin).toEqual({ req: { id: 'abc-1' } });
      expect(inside.merged).toEqual({}); // a line that has its own req keeps it
    }
  });

  it('generates an id for a request without a sane one, and is empty outside a request', () => {
    const { set } = run('/api/v1/users', { 'x-request-id': 'no spaces allowed' });
    expect(set['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
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
