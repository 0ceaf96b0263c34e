import { CallAbort } from '@switchyard/core';
import type { CallOptions } from '../provider.port.js';
import { ProviderError } from '../provider.port.js';

/**
 * One upstream call's cancellation: the caller's signal and our own deadline merged into one
 * signal for the client library, remembering which of the two fired so the error can say
 * `aborted` or `timeout` whatever the library reports. The scope is itself an `AbortSource`
 * (for undici); `signal`, a real `AbortSignal` (for fetch and the SDKs), is made on first use.
 */
export class CallScope extends CallAbort {
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
    super();
    const caller = opts.signal;
    if (caller?.aborted) this.abort(caller.reason);
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.arm();
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

  private stop(): void {
    this.waiting = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
