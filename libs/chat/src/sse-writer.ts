import type { Response } from 'express';
import { drained, type ErrorEnvelope } from '@switchyard/core';

/** Sets an event stream's status and headers (every dialect's stream sink starts this way). */
export function startEventStream(res: Response, headers: Record<string, string>): void {
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache, no-transform');
  res.setHeader('x-accel-buffering', 'no');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  // No flushHeaders(): the first event follows at once and carries the headers in its packet.
}

/**
 * Writes `text`; resolves when the socket can take more (or closed), never buffering ahead. A
 * client that takes nothing for CLIENT_SEND_TIMEOUT_MS is cut off (`drained`).
 */
export async function writeEvents(res: Response, text: string): Promise<void> {
  if (res.destroyed || res.writableEnded) return;
  if (res.write(text)) return;
  await drained(res);
}

/** What `send` returns when the socket took the event at once (most events): no promise per event. */
const SENT: Promise<void> = Promise.resolve();

/**
 * Writes a server-sent event stream in OpenAI's framing: `data: <json>\n\n` per chunk, then
 * `data: [DONE]`. Each chunk is written as it comes (no coalescing); when the client reads
 * slower than upstream produces, writing waits for the socket to drain instead of buffering.
 */
export class SseWriter {
  private started = false;

  constructor(private readonly res: Response) {}

  /** Sets the status and headers; call once the first upstream chunk is in hand. */
  start(headers: Record<string, string>): void {
    if (this.started) return;
    this.started = true;
    startEventStream(this.res, headers);
  }

  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  /**
   * Writes one event; resolves when the socket can take more. Not an async function: a stream
   * sends one event per chunk, and an event the socket takes at once (nearly all) then costs no
   * promise of its own (issue 20); a failure still comes back as a rejection.
   */
  send(payload: unknown): Promise<void> {
    if (!this.open) return SENT;
    try {
      if (this.res.write(`data: ${JSON.stringify(payload)}\n\n`)) return SENT;
    } catch (err) {
      // As the async version rejected: with whatever was thrown.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(err);
    }
    return drained(this.res);
  }

  /** Ends the stream normally, after `last` (one more event) when given, in one write. */
  done(last?: unknown): void {
    if (!this.open) return;
    const tail = last === undefined ? '' : `data: ${JSON.stringify(last)}\n\n`;
    this.res.end(`${tail}data: [DONE]\n\n`);
  }

  /** Ends the stream with an error event, which the OpenAI SDKs raise as an APIError. */
  fail(envelope: ErrorEnvelope): void {
    if (!this.open) return;
    this.res.end(`data: ${JSON.stringify(envelope)}\n\n`);
  }
}
