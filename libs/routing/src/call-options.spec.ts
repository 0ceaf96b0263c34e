import { describe, expect, it } from '@jest/globals';
import { CallAbort } from '@switchyard/core';
import type { ResolvedModel } from '@switchyard/providers';
import { callOptionsFor, type CallContext } from './upstream-executor.js';

const target = (provider: string, timeoutMs = 30_000) =>
  ({ id: `${provider}/m`, provider: { id: provider }, timeoutMs }) as unknown as ResolvedModel;
const context = (fault?: string): CallContext => ({
  requestId: 'req-1',
  tenantId: 't',
  userId: 'u',
  signal: new CallAbort(),
  ...(fault ? { upstreamHeaders: { 'x-sim-fault': fault } } : {}),
});

describe('callOptionsFor: one upstream call for a caller', () => {
  it("passes the attempt's signal, the target's timeout, the request id and the provider", () => {
    const signal = new CallAbort();
    expect(callOptionsFor({ target: target('openai', 12_000), signal }, context())).toEqual({
      signal,
      timeoutMs: 12_000,
      requestId: 'req-1',
      provider: 'openai',
      headers: undefined,
    });
  });

  it("sends the caller's fault injection to the simulator catalogs only, never to a real provider", () => {
    const signal = new CallAbort();
    const faulty = context('status=500');
    expect(callOptionsFor({ target: target('simulator'), signal }, faulty).headers).toEqual({
      'x-sim-fault': 'status=500',
    });
    expect(callOptionsFor({ target: target('simulator-anthropic'), signal }, faulty).headers).toEqual({
      'x-sim-fault': 'status=500',
    });
    for (const provider of ['openai', 'anthropic', 'my-simulator', 'ollama']) {
      expect(callOptionsFor({ target: target(provider), signal }, faulty).headers).toBeUndefined();
    }
  });

  it('keeps a step within its deadline and sets a stall limit only when there is one', () => {
    const signal = new CallAbort();
    const a = { target: target('openai', 30_000), signal };
    expect(callOptionsFor(a, context(), { deadlineMs: 5_000 }).timeoutMs).toBe(5_000);
    expect(callOptionsFor(a, context(), { deadlineMs: 60_000 }).timeoutMs).toBe(30_000);
    expect(callOptionsFor(a, context(), { stallTimeoutMs: 8_000 }).stallTimeoutMs).toBe(8_000);
    expect('stallTimeoutMs' in callOptionsFor(a, context(), { stallTimeoutMs: 0 })).toBe(false);
    expect('stallTimeoutMs' in callOptionsFor(a, context())).toBe(false);
  });
});
