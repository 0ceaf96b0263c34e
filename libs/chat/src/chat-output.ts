import type { ErrorEnvelope } from '@switchyard/core';
import type { Response } from 'express';
import { SseWriter } from './sse-writer.js';

/**
 * Where a stream's events go, in the caller's dialect. The call path (planning, reservation,
 * failover, mid-stream continuation, settlement) produces one sequence of OpenAI-shaped
 * `chat.completion.chunk` objects, the internal event model; a sink writes them as the dialect's
 * events. {@link SseWriter} is the Chat Completions sink (each chunk as is).
 */
export interface ChunkSink {
  /** Sets the status and the answer headers; called once, when the first upstream chunk is in hand. */
  start(headers: Record<string, string>): void;
  /** False once the client is gone or the stream ended: the relay stops reading upstream. */
  readonly open: boolean;
  /** One chunk; resolves when the socket can take more. */
  send(chunk: unknown): Promise<void>;
  /**
   * Ends the stream normally. `last` is the usage chunk (`choices: []`, `usage` with `cost`) when
   * the internal request asked for usage (`stream_options.include_usage`), else undefined.
   */
  done(last?: unknown): void;
  /** Ends the stream with an error after bytes went out; `envelope` is the OpenAI error envelope. */
  fail(envelope: ErrorEnvelope): void;
}

/**
 * How one inbound dialect presents a chat call's answer: a whole answer, or a stream. Both receive
 * the internal (OpenAI Chat Completions) shapes with `model` set to the served model and `usage`
 * carrying `cost`; the dialect maps them once. Errors before the first byte are thrown and shaped
 * by the dialect's exception filter.
 */
export interface ChatOutput {
  /** Sends a whole `chat.completion` answer with the gateway's answer headers. */
  json(res: Response, completion: object, headers: Record<string, string>): void;
  /** A sink for one streamed answer. */
  stream(res: Response): ChunkSink;
}

/** The Chat Completions dialect: the internal shapes are OpenAI's, so they go out as they are. */
export const OPENAI_CHAT_OUTPUT: ChatOutput = {
  json: (res, completion, headers) => sendJson(res, completion, headers),
  stream: (res) => new SseWriter(res),
};

/**
 * A JSON answer written straight to the socket: what Express's res.json does, without its
 * content negotiation, ETag and per-call header bookkeeping.
 */
export function sendJson(res: Response, value: unknown, headers: Record<string, string>, status = 200): void {
  const body = JSON.stringify(value);
  for (const name in headers) res.setHeader(name, headers[name]!);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Drops the reasoning an answer carries (a message's or a delta's `reasoning_content` and signed `thinking_blocks`). */
function stripReasoning(value: unknown): unknown {
  const choices = (value as { choices?: unknown })?.choices;
  if (!Array.isArray(choices)) return value;
  for (const choice of choices as Array<Record<string, Record<string, unknown> | undefined>>) {
    for (const part of [choice.message, choice.delta]) {
      if (!part) continue;
      delete part.reasoning_content;
      delete part.thinking_blocks;
    }
  }
  return value;
}

/**
 * An output that leaves out the provider's reasoning (`include_reasoning: false` on a plain model,
 * as for `auto`): the answer and its usage are unchanged, reasoning tokens are still paid for.
 */
export function withoutReasoning(output: ChatOutput): ChatOutput {
  return {
    json: (res, completion, headers) => output.json(res, stripReasoning(completion) as object, headers),
    stream: (res) => {
      const sink = output.stream(res);
      return {
        start: (headers) => sink.start(headers),
        get open() {
          return sink.open;
        },
        send: (chunk) => sink.send(stripReasoning(chunk)),
        done: (last) => sink.done(last),
        fail: (envelope) => sink.fail(envelope),
      };
    },
  };
}
