import { startEventStream, writeEvents, type ChunkSink } from '@switchyard/chat';
import type { ErrorEnvelope } from '@switchyard/core';
import type { Response } from 'express';
import type { InternalMessage, ResponseObject } from './responses.types.js';
import type { ResponseEvent, ResponsesStreamTranslator } from './stream-translator.js';

/** Stores a finished Response (and its assistant message) before its final event goes out. */
export type ResponseKeeper = (response: ResponseObject, assistant: InternalMessage) => Promise<void>;

/**
 * The Responses stream sink: writes the translator's events as named server-sent events
 * (`event: <type>` and `data: <json>`), waiting for the socket when the client reads slowly. The
 * Response is stored before `response.completed` is written, so a continuation by
 * `previous_response_id` works the moment the client has seen the end.
 */
export class ResponsesStreamSink implements ChunkSink {
  private started = false;

  constructor(
    private readonly res: Response,
    private readonly translator: ResponsesStreamTranslator,
    private readonly keep: ResponseKeeper,
  ) {}

  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  start(headers: Record<string, string>): void {
    if (this.started) return;
    this.started = true;
    startEventStream(this.res, headers);
    this.res.write(this.frames(this.translator.start(headers['x-switchyard-model'] ?? '')));
  }

  async send(chunk: unknown): Promise<void> {
    const events = this.translator.chunk(chunk as Parameters<ResponsesStreamTranslator['chunk']>[0]);
    if (!this.open || events.length === 0) return;
    await writeEvents(this.res, this.frames(events));
  }

  done(last?: unknown): void {
    const usage = (last as { usage?: Parameters<ResponsesStreamTranslator['end']>[0] } | undefined)?.usage;
    const { events, response, assistant } = this.translator.end(usage);
    if (this.open) this.res.write(this.frames(events));
    void this.keep(response, assistant).then(() => {
      if (this.open) this.res.end(this.frames([this.translator.final(response)]));
    });
  }

  fail(envelope: ErrorEnvelope): void {
    const { events, response, assistant } = this.translator.fail(envelope.error);
    void this.keep(response, assistant).then(() => {
      if (this.open) this.res.end(this.frames(events));
    });
  }

  private frames(events: ResponseEvent[]): string {
    let out = '';
    for (const event of events) out += `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    return out;
  }
}
