import type { Response } from 'express';
import type { ErrorEnvelope } from '@switchyard/core';

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
    this.res.status(200);
    this.res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('cache-control', 'no-cache, no-transform');
    this.res.setHeader('x-accel-buffering', 'no');
    for (const [name, value] of Object.entries(headers)) this.res.setHeader(name, value);
    // No flushHeaders(): the first event follows at once and carries the headers in its packet.
  }

  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  /** Writes one event; resolves when the socket can take more. */
  async send(payload: unknown): Promise<void> {
    if (!this.open) return;
    if (!this.res.write(`data: ${JSON.stringify(payload)}\n\n`)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.res.off('drain', done);
          this.res.off('close', done);
          resolve();
        };
        this.res.on('drain', done);
        this.res.on('close', done);
      });
    }
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
