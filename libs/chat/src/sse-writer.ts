import type { Response } from 'express';
import type { ErrorEnvelope } from '@switchyard/core';

/** Sets an event stream's status and headers (every dialect's stream sink starts this way). */
export function startEventStream(res: Response, headers: Record<string, string>): void {
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache, no-transform');
  res.setHeader('x-accel-buffering', 'no');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  // No flushHeaders(): the first event follows at once and carries the headers in its packet.
}

/** Writes `text`; resolves when the socket can take more (or closed), never buffering ahead. */
export async function writeEvents(res: Response, text: string): Promise<void> {
  if (res.write(text)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

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

  /** Writes one event; resolves when the socket can take more. */
  async send(payload: unknown): Promise<void> {
    if (!this.open) return;
    await writeEvents(this.res, `data: ${JSON.stringify(payload)}\n\n`);
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
