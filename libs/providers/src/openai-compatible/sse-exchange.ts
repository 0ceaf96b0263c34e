import { StringDecoder } from 'node:string_decoder';
import { createParser } from 'eventsource-parser';
import type { Dispatcher } from 'undici';
import { MAX_ERROR_BODY_BYTES, type AbortSource } from '@switchyard/core';
import { answerTooLarge } from '../shared/capped-read.js';
import { abortReason, ScopedExchange } from './scoped-exchange.js';

/**
 * Bytes read from the upstream while its parsed events wait for the consumer, past which the
 * connection is paused until the consumer has taken them all (a slow client slows the upstream,
 * as a Node stream's high-water mark did).
 */
const HIGH_WATER_BYTES = 64 * 1024;
/** How much of a stream's tail, after `[DONE]`, is read to keep the connection (else it is closed). */
const DRAIN_LIMIT_BYTES = 64 * 1024;
/**
 * How long that tail may take. The pools have no body timeout of their own (decision 0038), so
 * without this an upstream that sent `[DONE]` and then held its body open would keep the
 * connection out of its pool for good.
 */
const DRAIN_TIMEOUT_MS = 1000;

/**
 * undici's handler for one server-sent-events call (decision 0051): each body chunk is parsed as
 * it arrives, inside undici's callback, and the events' data wait in a queue for the consumer
 * (`next`, `more`). Dispatching this instead of `pool.request()` skips the Readable body stream,
 * its async iterator's promises and the `AsyncResource` that `request()` makes per call, on every
 * chunk of every stream. What the Node stream gave for free is kept: the connection is paused
 * while HIGH_WATER_BYTES of events wait (backpressure), one event may not pass `maxEventBytes`, a
 * stream left early closes its connection, and one finished (`[DONE]`) reads a short tail so the
 * connection goes back to its pool. The call's scope aborts it as `request()`'s `signal` would.
 * An error answer (not 2xx) is read to its first MAX_ERROR_BODY_BYTES, as its text.
 */
export class SseExchange extends ScopedExchange {
  /** Body bytes read so far. */
  private bytesRead = 0;
  /** The data of each complete event, in order; the first `taken` are the consumer's already. */
  private events: string[] = [];
  private taken = 0;
  /** Bytes read since the last complete event. */
  private partialBytes = 0;
  /** Bytes read since the consumer last emptied the queue. */
  private unreadBytes = 0;
  private readonly decoder = new StringDecoder('utf8');
  private readonly parser = createParser({ onEvent: (event) => void this.events.push(event.data) });
  /** An error answer's body, up to MAX_ERROR_BODY_BYTES; `cut` once it reached that. */
  private errorChunks: Buffer[] = [];
  private cut = false;
  private started = false;
  private ended = false;
  private failed = false;
  private failure: unknown = undefined;
  /** The consumer is done: the exchange no longer reports, and drains or closes (`release`). */
  private released = false;
  private drainLimit = 0;
  private drainTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private wake: (() => void) | undefined = undefined;

  constructor(
    scope: AbortSource,
    private readonly provider: string,
    private readonly maxEventBytes: number,
  ) {
    super(scope);
    this.listen();
  }

  protected failQueued(reason: Error): void {
    this.fail(reason);
  }

  /** True when the call failed before it was dispatched (its scope had aborted): send nothing. */
  get settled(): boolean {
    return this.failed;
  }

  /** Resolves once the status is known and, for an error answer, its text read; rejects on failure. */
  async response(): Promise<void> {
    while (!(this.started && (this.status < 300 || this.ended || this.cut))) {
      if (this.failed) throw this.failure;
      await this.changed();
    }
  }

  /** An error answer's text (its first MAX_ERROR_BODY_BYTES). */
  errorText(): string {
    const text = Buffer.concat(this.errorChunks).subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8');
    this.errorChunks = [];
    return text;
  }

  /** The next event's data, or undefined when none is waiting (then `more`). */
  next(): string | undefined {
    // An interruption ends the stream at once, whatever was still waiting.
    if (this.taken === this.events.length || (this.failed && this.scope.aborted)) {
      if (this.taken > 0) {
        this.events.length = 0;
        this.taken = 0;
      }
      return undefined;
    }
    return this.events[this.taken++];
  }

  /**
   * Waits for more events once `next` had none: true when some may have come, false when the body
   * ended; throws what broke the exchange off.
   */
  async more(): Promise<boolean> {
    if (this.failed) throw this.failure;
    if (this.ended) return false;
    this.unreadBytes = 0;
    // Listening first: resuming may parse what the socket holds there and then.
    const changed = this.changed();
    if (this.controller?.paused) this.controller.resume();
    await changed;
    if (this.failed && this.taken === this.events.length) throw this.failure;
    return true;
  }

  /**
   * The consumer is done. A finished stream's tail is read (at most DRAIN_LIMIT_BYTES, for at
   * most DRAIN_TIMEOUT_MS) so the connection goes back to its pool; an unfinished one is closed.
   */
  release(complete: boolean): void {
    if (this.released) return;
    this.released = true;
    this.scope.removeEventListener('abort', this.onAbort);
    this.events = [];
    this.errorChunks = [];
    if (this.ended || this.failed) return;
    if (!complete || !this.controller) {
      // Still queued for a connection: aborted when it gets one (onRequestStart).
      this.controller?.abort(new Error('the stream was left early'));
      return;
    }
    this.drainLimit = this.bytesRead + DRAIN_LIMIT_BYTES;
    this.drainTimer = setTimeout(
      () => this.controller?.abort(new Error('the tail took too long')),
      DRAIN_TIMEOUT_MS,
    );
    this.drainTimer.unref();
    if (this.controller.paused) this.controller.resume();
  }

  override onRequestStart(controller: Dispatcher.DispatchController): void {
    super.onRequestStart(controller);
    if (!this.scope.aborted && this.released && !this.ended) {
      controller.abort(new Error('the stream was left early'));
    }
  }

  protected override responded(): void {
    this.started = true;
    this.signal();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytesRead += chunk.length;
    if (this.released) {
      if (this.bytesRead > this.drainLimit) controller.abort(new Error('the tail is too long'));
      return;
    }
    if (this.status >= 300) {
      if (this.cut) return;
      this.errorChunks.push(chunk);
      if (this.bytesRead >= MAX_ERROR_BODY_BYTES) {
        this.cut = true;
        controller.abort(new Error('error answer read far enough'));
        this.signal();
      }
      return;
    }
    this.partialBytes += chunk.length;
    const before = this.events.length;
    try {
      this.parser.feed(this.decoder.write(chunk));
    } catch (error) {
      this.fail(error);
      controller.abort(abortReason(error));
      return;
    }
    if (this.events.length === before) {
      // No event completed: one event may not pass the bound.
      if (this.partialBytes > this.maxEventBytes) {
        this.fail(answerTooLarge('event', this.maxEventBytes, this.provider, this.status));
        controller.abort(new Error('event too large'));
      }
      return;
    }
    this.partialBytes = 0;
    this.unreadBytes += chunk.length;
    if (this.unreadBytes >= HIGH_WATER_BYTES) controller.pause();
    this.signal();
  }

  onResponseEnd(): void {
    this.ended = true;
    clearTimeout(this.drainTimer);
    this.signal();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    clearTimeout(this.drainTimer);
    if (this.released || this.failed) return;
    // An error answer read far enough, or whose body broke off, is still that error (its status
    // decides: a 429 is a rate limit, a 401 a bad key), with what it had as its text.
    if (this.started && this.status >= 300 && !this.scope.aborted) {
      if (!this.cut) this.errorChunks = [Buffer.from(error.message)];
      this.cut = true;
      this.signal();
      return;
    }
    this.fail(error);
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.failure = error;
    this.scope.removeEventListener('abort', this.onAbort);
    this.signal();
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private signal(): void {
    const wake = this.wake;
    if (wake) {
      this.wake = undefined;
      wake();
    }
  }
}
