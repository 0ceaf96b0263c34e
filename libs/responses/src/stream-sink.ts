import { startEventStream, writeEvents, type ChunkSink } from '@switchyard/chat';
import type { ErrorEnvelope } from '@switchyard/core';
import type { Response } from 'express';
import type { InternalMessage, ResponseObject } from './responses.types.js';
import type { ResponseEvent, ResponsesStreamTranslator } from './stream-translator.js';

/** Stores a finished Response (and its assistant message) before its final event goes out. */
export type ResponseKeeper = (response: ResponseObject, assistant: InternalMessage) => Promise<void>;

/**
 * What every Responses stream sink shares (the chat port's and the native pass-through's): the
 * event stream opened once with the answer headers, whether the client is still there, and the
 * last frames written only once the Response is stored, so that a continuation by
 * `previous_response_id` works the moment the client has seen the end.
 */
export abstract class ResponsesEventSink implements ChunkSink {
  private started = false;

  constructor(
    protected readonly res: Response,
    private readonly keep: ResponseKeeper,
  ) {}

  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  start(headers: Record<string, string>): void {
    if (this.started) return;
    this.started = true;
    startEventStream(this.res, headers);
    this.opened(headers['x-switchyard-model'] ?? '');
  }

  abstract send(chunk: unknown): Promise<void>;
  abstract done(last?: unknown): void;
  abstract fail(envelope: ErrorEnvelope): void;

  /** Called once the stream is open, with the served model. */
  protected abstract opened(model: string): void;

  /** Stores the Response, then ends the stream with the frames `last` makes, if the client is still there. */
  protected finish(response: ResponseObject, assistant: InternalMessage, last: () => string): void {
    void this.keep(response, assistant).then(() => {
      if (this.open) this.res.end(last());
    });
  }
}

/**
 * The Responses stream sink of the chat port: writes the translator's events as named
 * server-sent events (`event: <type>` and `data: <json>`), waiting for the socket when the client
 * reads slowly.
 */
export class ResponsesStreamSink extends ResponsesEventSink {
  constructor(
    res: Response,
    private readonly translator: ResponsesStreamTranslator,
    keep: ResponseKeeper,
  ) {
    super(res, keep);
  }

  protected opened(model: string): void {
    this.res.write(this.frames(this.translator.start(model)));
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
    this.finish(response, assistant, () => this.frames([this.translator.final(response)]));
  }

  fail(envelope: ErrorEnvelope): void {
    const { events, response, assistant } = this.translator.fail(envelope.error);
    this.finish(response, assistant, () => this.frames(events));
  }

  private frames(events: ResponseEvent[]): string {
    let out = '';
    for (const event of events) out += `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    return out;
  }
}
