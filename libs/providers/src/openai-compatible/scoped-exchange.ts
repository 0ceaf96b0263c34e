import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AbortSource } from '@switchyard/core';

/** undici's `abort` wants an Error; a reason that is not one (a caller's string) becomes its cause. */
export function abortReason(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error('aborted', { cause: reason });
}

/**
 * What the transport's dispatch handlers share: the answer's status and headers, and the call's
 * scope aborting the exchange as `request()`'s `signal` would. Once undici gave the exchange a
 * connection, the abort goes through undici, which reports it to `onResponseError`; while it is
 * still queued for one, the call fails at once (`failQueued`) and the request is aborted when it
 * gets one.
 */
export abstract class ScopedExchange implements Dispatcher.DispatchHandler {
  status = 0;
  headers: IncomingHttpHeaders = {};
  protected controller: Dispatcher.DispatchController | undefined = undefined;
  protected readonly onAbort = (): void => {
    const reason = abortReason(this.scope.reason);
    if (this.controller) this.controller.abort(reason);
    else this.failQueued(reason);
  };

  constructor(protected readonly scope: AbortSource) {}

  /** Starts listening to the scope: the last step of a subclass's constructor, once its fields are set. */
  protected listen(): void {
    if (this.scope.aborted) this.onAbort();
    else this.scope.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The scope aborted before the exchange had a connection. */
  protected abstract failQueued(reason: Error): void;

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // A retried request (the pipeline's head failed) starts again with a new controller.
    this.controller = controller;
    if (this.scope.aborted) controller.abort(abortReason(this.scope.reason));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    // An informational answer (103 Early Hints, 102) comes before the real one: not the status.
    if (status < 200) return;
    this.status = status;
    this.headers = headers;
    this.responded();
  }

  /** The final status and headers are known. */
  protected responded(): void {}
}
