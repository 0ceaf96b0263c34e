import type { CallOptions } from '../provider.port.js';
import { ProviderError } from '../provider.port.js';

/**
 * What undici's `request` takes as a signal (an EventTarget with one event), without being an
 * `AbortSignal`: Node 20 builds each of those with `Object.setPrototypeOf`, which gives it a
 * hidden class of its own (decision 0032).
 */
export interface AbortSource {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * One upstream call's cancellation: the caller's signal and our own deadline merged into one
 * signal for the client library, remembering which of the two fired so the error can say
 * `aborted` or `timeout` whatever the library reports. The scope is itself an `AbortSource`
 * (for undici); `signal`, a real `AbortSignal` (for fetch and the SDKs), is made on first use.
 */
export class CallScope implements AbortSource {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Array<() => void> | undefined;
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The duration the timer was created with. */
  private timerMs = 0;
  /** Whether a wait is under way (armed and not paused): the timer only counts then. */
  private waiting = false;
  private timedOut = false;
  private armed = 0;
  private deadlineMs = 0;
  private readonly onCallerAbort = (): void => this.abort(this.opts.signal?.reason);
  private readonly onTimeout = (): void => {
    if (!this.waiting) return;
    this.timedOut = true;
    this.deadlineMs = this.timerMs;
    this.abort(new Error('deadline exceeded'));
  };

  constructor(
    private readonly opts: CallOptions,
    readonly provider: string,
  ) {
    const caller = opts.signal;
    if (caller?.aborted) this.abort(caller.reason);
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.arm();
  }

  /** The merged signal as an `AbortSignal`, for a client library that needs one. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Listeners hear the abort once, as with `{ once: true }` (undici asks for that). */
  addEventListener(type: 'abort', listener: () => void, _options?: { once?: boolean }): void {
    if (type === 'abort' && !this.aborted) (this.listeners ??= []).push(listener);
  }

  removeEventListener(type: 'abort', listener: () => void): void {
    const i = type === 'abort' && this.listeners ? this.listeners.indexOf(listener) : -1;
    if (i >= 0) this.listeners!.splice(i, 1);
  }

  get timeoutMs(): number {
    return this.opts.timeoutMs;
  }

  /**
   * (Re)starts the deadline; streams call it before waiting for each next chunk. The first wait
   * (for the answer's headers) is `timeoutMs`; later ones `stallTimeoutMs` when set.
   */
  arm(): void {
    if (this.aborted) {
      this.stop();
      return;
    }
    const ms = this.armed++ === 0 ? this.opts.timeoutMs : (this.opts.stallTimeoutMs ?? this.opts.timeoutMs);
    this.waiting = true;
    if (this.timer !== undefined && this.timerMs === ms) {
      // A stream re-arms before every chunk: restart the same timer rather than make a new one
      // (issue 20). refresh() restarts it from now, and revives it if it fired while paused.
      this.timer.ref();
      this.timer.refresh();
      return;
    }
    clearTimeout(this.timer);
    this.timerMs = ms;
    this.timer = setTimeout(this.onTimeout, ms);
  }

  /** Stops the deadline while a stream chunk is with the consumer (its pace is not the upstream's). */
  pause(): void {
    // The timer stays (the next arm() restarts it) but no longer counts, nor keeps the process up.
    this.waiting = false;
    this.timer?.unref();
  }

  /** The caller's abort or our timeout as a ProviderError, when one of them ended the call. */
  interruption(): ProviderError | null {
    if (this.opts.signal?.aborted) {
      return new ProviderError('aborted', `${this.provider}: the request was cancelled by the caller.`, {
        provider: this.provider,
      });
    }
    if (this.timedOut) {
      return new ProviderError('timeout', `${this.provider}: no response within ${this.deadlineMs} ms.`, {
        provider: this.provider,
      });
    }
    return null;
  }

  dispose(): void {
    this.stop();
    this.opts.signal?.removeEventListener('abort', this.onCallerAbort);
  }

  private abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }

  private stop(): void {
    this.waiting = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
