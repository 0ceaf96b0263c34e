import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import { currentRequestContext, requestContextMiddleware, requestLogMixin } from './request-context.js';

function run(url: string, headers: Record<string, string> = {}) {
  const set: Record<string, unknown> = {};
  const req = { url, headers, ip: '10.0.0.7' } as unknown as IncomingMessage;
  const res = {
    setHeader: (k: string, v: unknown) => (set[k] = v),
    on: () => res,
  } as unknown as ServerResponse;
  let inside:
    { context: ReturnType<typeof currentRequestContext>; mixin: object; merged: object } | undefined;
  requestContextMiddleware(false)(req, res, () => {
    inside = {
      context: currentRequestContext(),
      mixin: requestLogMixin({}),
      merged: requestLogMixin({ req: {} }),
    };
  });
  return { inside: inside!, set };
}

describe('request context', () => {
  it('gives a /v1 request an id, echoes it, and puts it on every log line made while serving it', () => {
    const { inside, set } = run('/v1/chat/completions', { 'x-request-id': 'abc-1' });
    expect(set['x-request-id']).toBe('abc-1');
    expect(inside.context).toEqual({ requestId: 'abc-1', ip: '10.0.0.7' });
    expect(inside.mixin).toEqual({ req: { id: 'abc-1' } });
    expect(inside.merged).toEqual({}); // a line that has its own req keeps it
  });

  it('leaves other routes to pino-http (no id here, no mixin), and is empty outside a request', () => {
    const { inside, set } = run('/api/v1/users');
    expect(set['x-request-id']).toBeUndefined();
    expect(inside.mixin).toEqual({});
    expect(inside.context.ip).toBe('10.0.0.7');
    expect(currentRequestContext()).toEqual({});
    expect(requestLogMixin({})).toEqual({});
  });
});
