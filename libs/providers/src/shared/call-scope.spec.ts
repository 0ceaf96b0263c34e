import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { CallScope } from './call-scope.js';

const scope = (timeoutMs: number, stallTimeoutMs?: number, signal?: AbortSignal) =>
  new CallScope({ timeoutMs, stallTimeoutMs, signal }, 'p');

describe('CallScope deadlines', () => {
  it('times out the first wait after timeoutMs, naming it', async () => {
    const s = scope(30);
    await sleep(60);
    expect(s.signal.aborted).toBe(true);
    expect(s.interruption()).toMatchObject({ kind: 'timeout', message: 'p: no response within 30 ms.' });
    s.dispose();
  });

  it('does not count the time a chunk is with the consumer, however long', async () => {
    const s = scope(100, 100);
    s.pause();
    await sleep(150); // past the deadline while paused: the timer fired and was ignored
    expect(s.signal.aborted).toBe(false);
    s.arm(); // the stall deadline starts again from now
    await sleep(30);
    expect(s.signal.aborted).toBe(false);
    s.pause();
    await sleep(90);
    s.arm();
    await sleep(30);
    expect(s.signal.aborted).toBe(false);
    await sleep(150);
    expect(s.signal.aborted).toBe(true);
    expect(s.interruption()).toMatchObject({ kind: 'timeout', message: 'p: no response within 100 ms.' });
    s.dispose();
  });

  it('uses stallTimeoutMs for every wait after the first', async () => {
    const s = scope(1000, 30);
    s.pause();
    s.arm();
    await sleep(60);
    expect(s.interruption()).toMatchObject({ kind: 'timeout', message: 'p: no response within 30 ms.' });
    s.dispose();
  });

  it("reports the caller's abort, and stops its timer on dispose", async () => {
    const caller = new AbortController();
    const s = scope(30, undefined, caller.signal);
    caller.abort();
    expect(s.signal.aborted).toBe(true);
    expect(s.interruption()).toMatchObject({ kind: 'aborted' });
    const t = scope(30);
    t.dispose();
    await sleep(50);
    expect(t.signal.aborted).toBe(false);
  });

  it('is an abort source for undici: its listeners hear the deadline once, a removed one not at all', async () => {
    const s = scope(20);
    const heard: string[] = [];
    const removed = () => heard.push('removed');
    s.addEventListener('abort', () => heard.push('kept'), { once: true });
    s.addEventListener('abort', removed);
    s.removeEventListener('abort', removed);
    expect(s.aborted).toBe(false);
    await sleep(50);
    expect([s.aborted, heard, (s.reason as Error).message]).toEqual([true, ['kept'], 'deadline exceeded']);
    // A signal asked for after the abort is born aborted, with the same reason.
    expect([s.signal.aborted, (s.signal.reason as Error).message]).toEqual([true, 'deadline exceeded']);
    s.dispose();
  });

  it("passes the caller's abort to its listeners and to a signal made before it", () => {
    const caller = new AbortController();
    const s = scope(1000, undefined, caller.signal);
    const signal = s.signal;
    let heard = 0;
    s.addEventListener('abort', () => heard++);
    caller.abort(new Error('client gone'));
    caller.abort();
    expect([heard, signal.aborted, (s.reason as Error).message]).toEqual([1, true, 'client gone']);
    s.dispose();
  });
});
