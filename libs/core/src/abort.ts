/**
 * What the call path needs of a cancellation: whether it fired, why, and one `abort` event. A
 * real `AbortSignal` is one; so is `CallAbort`, which costs a plain object where Node 20 builds
 * each `AbortSignal` with `Object.setPrototypeOf` (a hidden class of its own, decision 0032) and
 * an `EventTarget` (several microseconds per listener added and removed). undici takes one as
 * its `signal`.
 */
export interface AbortSource {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * A cancellation that one owner fires with `abort(reason)`: an `AbortController` and its signal
 * in one, whose real `AbortSignal` (for fetch, the SDKs, `AbortSignal.any`) is made only when
 * something asks for `signal`.
 */
export class CallAbort implements AbortSource {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Array<() => void> | undefined = undefined;
  private controller: AbortController | undefined = undefined;

  /** The same cancellation as an `AbortSignal`, made on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Listeners hear the abort once, as with `{ once: true }` (all the call path asks for). */
  addEventListener(type: 'abort', listener: () => void, _options?: { once?: boolean }): void {
    if (type === 'abort' && !this.aborted) (this.listeners ??= []).push(listener);
  }

  removeEventListener(type: 'abort', listener: () => void): void {
    const i = type === 'abort' && this.listeners ? this.listeners.indexOf(listener) : -1;
    if (i >= 0) this.listeners!.splice(i, 1);
  }

  /** Fires once; the reason defaults to the `AbortError` an `AbortController` would give. */
  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }
}

/** `source` as a real `AbortSignal`, for an API that takes nothing else. */
export function abortSignalOf(source: AbortSource): AbortSignal {
  if (source instanceof AbortSignal) return source;
  if (source instanceof CallAbort) return source.signal;
  const controller = new AbortController();
  if (source.aborted) controller.abort(source.reason);
  else source.addEventListener('abort', () => controller.abort(source.reason), { once: true });
  return controller.signal;
}
