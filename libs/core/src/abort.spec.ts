import { describe, expect, it } from '@jest/globals';
import { CallAbort, abortSignalOf, type AbortSource } from './abort.js';

describe('CallAbort', () => {
  it('tells each listener once, in order, and not those removed', () => {
    const abort = new CallAbort();
    const heard: string[] = [];
    const a = () => heard.push('a');
    const b = () => heard.push('b');
    const c = () => heard.push('c');
    abort.addEventListener('abort', a, { once: true });
    abort.addEventListener('abort', b);
    abort.addEventListener('abort', c);
    abort.removeEventListener('abort', b);
    abort.abort('gone');
    abort.abort('again');
    expect(heard).toEqual(['a', 'c']);
    expect(abort.aborted).toBe(true);
    expect(abort.reason).toBe('gone');
    // A listener added after the abort is not called, as with an AbortSignal.
    abort.addEventListener('abort', a);
    expect(heard).toEqual(['a', 'c']);
  });

  it("gives an AbortController's AbortError when no reason is given", () => {
    const abort = new CallAbort();
    abort.abort();
    expect(abort.reason).toBeInstanceOf(DOMException);
    expect((abort.reason as DOMException).name).toBe('AbortError');
  });

  it('makes its AbortSignal on first use, before or after the abort, with the same reason', () => {
    const before = new CallAbort();
    const signal = before.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal.aborted).toBe(false);
    expect(before.signal).toBe(signal);
    let fired = 0;
    signal.addEventListener('abort', () => fired++);
    before.abort('client gone');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('client gone');
    expect(fired).toBe(1);

    const after = new CallAbort();
    after.abort('deadline');
    expect(after.signal.aborted).toBe(true);
    expect(after.signal.reason).toBe('deadline');
  });
});

describe('abortSignalOf', () => {
  it('returns an AbortSignal as it is and a CallAbort as its own signal', () => {
    const controller = new AbortController();
    expect(abortSignalOf(controller.signal)).toBe(controller.signal);
    const abort = new CallAbort();
    expect(abortSignalOf(abort)).toBe(abort.signal);
  });

  it('follows any other source', () => {
    let listener: (() => void) | undefined;
    const source: AbortSource & { fire(): void } = {
      aborted: false,
      reason: undefined,
      addEventListener: (_type, l) => (listener = l),
      removeEventListener: () => undefined,
      fire() {
        Object.assign(this, { aborted: true, reason: 'stop' });
        listener?.();
      },
    };
    const signal = abortSignalOf(source);
    expect(signal.aborted).toBe(false);
    source.fire();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('stop');
  });
});
