import { writeEvents, type UsageLike } from '@switchyard/chat';
import { copyFields, type ErrorEnvelope } from '@switchyard/core';
import type { Response } from 'express';
import { responseUsage, storedAssistant } from './answer-mapper.js';
import { ResponsesEventSink, type ResponseKeeper } from './stream-sink.js';
import type { ChatUsage, InternalMessage, ResponseEcho, ResponseObject } from './responses.types.js';

/** A Response object as an upstream sent it, as far as the gateway reads it. */
export interface NativeResponse {
  model: string;
  status?: string;
  output?: unknown[];
  usage?: unknown;
}

/** One Responses stream event as an upstream sent it. */
export interface NativeEvent {
  type: string;
  sequence_number?: number;
  response?: NativeResponse;
  delta?: unknown;
}

const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Responses usage -> the internal (Chat Completions) usage the call path meters. */
export function internalUsage(usage: unknown): (UsageLike & ChatUsage) | undefined {
  if (!isObject(usage) || typeof usage.input_tokens !== 'number') return undefined;
  const input = usage.input_tokens;
  const output = count(usage.output_tokens) ?? 0;
  const cached = isObject(usage.input_tokens_details) ? count(usage.input_tokens_details.cached_tokens) : 0;
  const reasoning = isObject(usage.output_tokens_details)
    ? count(usage.output_tokens_details.reasoning_tokens)
    : 0;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: count(usage.total_tokens) ?? input + output,
    prompt_tokens_details: { cached_tokens: cached ?? 0 },
    completion_tokens_details: { reasoning_tokens: reasoning ?? 0 },
  };
}

/** The text a native answer or event carries (counted when no usage is reported). */
export function nativeText(value: NativeResponse | NativeEvent): string {
  if ('type' in value && !('output' in value)) {
    const event = value;
    const delta =
      event.type === 'response.output_text.delta' || event.type === 'response.function_call_arguments.delta'
        ? event.delta
        : undefined;
    return typeof delta === 'string' ? delta : '';
  }
  return ((value as NativeResponse).output ?? [])
    .flatMap((item) => (isObject(item) && Array.isArray(item.content) ? (item.content as unknown[]) : []))
    .map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

/** The usage a native answer, or a stream's final event, reports. */
export function nativeUsage(value: NativeResponse | NativeEvent): UsageLike | undefined {
  if ('type' in value && !('output' in value)) {
    const event = value;
    return FINAL_EVENTS.has(event.type) ? internalUsage(event.response?.usage) : undefined;
  }
  return internalUsage((value as NativeResponse).usage);
}

/**
 * The assistant message to store for continuations, from a native Response's output: text,
 * refusal, reasoning and function calls. Built-in tool calls (a web search) are not replayed:
 * what they found is in the text.
 */
export function nativeAssistant(output: readonly unknown[]): InternalMessage {
  let text = '';
  let refusal = '';
  let reasoning = '';
  const calls: Array<{ id: string; function: { name: string; arguments: string } }> = [];
  for (const item of output) {
    if (!isObject(item)) continue;
    if (item.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content as unknown[]) {
        if (!isObject(part)) continue;
        if (part.type === 'output_text' && typeof part.text === 'string') text += part.text;
        if (part.type === 'refusal' && typeof part.refusal === 'string') refusal += part.refusal;
      }
    } else if (item.type === 'reasoning') {
      const parts = [
        ...(Array.isArray(item.content) ? (item.content as unknown[]) : []),
        ...(Array.isArray(item.summary) ? (item.summary as unknown[]) : []),
      ];
      for (const part of parts) if (isObject(part) && typeof part.text === 'string') reasoning += part.text;
    } else if (item.type === 'function_call' && typeof item.call_id === 'string') {
      const name = typeof item.name === 'string' ? item.name : '';
      const args = typeof item.arguments === 'string' ? item.arguments : '';
      calls.push({ id: item.call_id, function: { name, arguments: args } });
    }
  }
  return storedAssistant({
    content: text || (calls.length ? null : ''),
    refusal: refusal || null,
    reasoning_content: reasoning || null,
    tool_calls: calls,
  });
}

/**
 * A native Response as the gateway's: its own id, creation time and the request's stored state
 * (`store`, `previous_response_id`, `metadata`, `instructions`), the served model, and the usage
 * with the charge. The output items (built-in tool calls, annotations) are the upstream's, intact.
 */
export function presentNative(answer: NativeResponse, echo: ResponseEcho, usage?: unknown): ResponseObject {
  const reported = usage ?? answer.usage;
  const cost = isObject(reported) && typeof reported.cost === 'string' ? reported.cost : undefined;
  const internal = isObject(reported) && 'prompt_tokens' in reported ? reported : internalUsage(reported);
  return {
    ...(answer as unknown as ResponseObject),
    id: echo.id,
    object: 'response',
    created_at: echo.created_at,
    background: false,
    instructions: echo.instructions,
    previous_response_id: echo.previous_response_id,
    store: echo.store,
    metadata: echo.metadata,
    model: answer.model,
    // copyFields: a leading spread with more fields makes a fresh hidden class per call (decision 0032).
    usage: internal ? responseUsage(copyFields(internal, cost ? { cost } : undefined)) : null,
  };
}

/**
 * The stream sink of a native call: the upstream's events go out as they are (`event:` and
 * `data:` frames), each Response snapshot in them shown as the gateway's (see {@link presentNative}).
 * The final event (`response.completed` / `response.incomplete`) is held back: it goes out with
 * the charge, after the Response is stored, as the chat port's sink does.
 */
export class NativeResponsesSink extends ResponsesEventSink {
  private model = '';
  private sequence = 0;
  private final?: NativeEvent;
  private latest?: NativeResponse;

  constructor(
    res: Response,
    private readonly echo: ResponseEcho,
    keep: ResponseKeeper,
  ) {
    super(res, keep);
  }

  protected opened(model: string): void {
    this.model = model;
  }

  async send(chunk: unknown): Promise<void> {
    const event = chunk as NativeEvent;
    if (FINAL_EVENTS.has(event.type)) {
      this.final = event;
      return;
    }
    if (!this.open) return;
    await writeEvents(this.res, this.frame(event));
  }

  done(last?: unknown): void {
    const held = last as (NativeEvent & { usage?: unknown }) | undefined;
    const final = held && FINAL_EVENTS.has(held.type) ? held : this.final;
    const upstream = final?.response ?? this.latest ?? { model: this.model, status: 'completed', output: [] };
    const response = presentNative({ ...upstream, model: this.model }, this.echo, held?.usage);
    const event = { ...(final ?? { type: 'response.completed' }), response } as unknown as NativeEvent;
    this.finish(response, nativeAssistant(response.output), () => this.frame(event, false));
  }

  fail(envelope: ErrorEnvelope): void {
    const upstream = this.latest ?? { model: this.model, output: [] };
    const error = envelope.error;
    const response: ResponseObject = {
      ...presentNative({ ...upstream, model: this.model }, this.echo, null),
      status: 'failed',
      error: { code: error.code ?? 'server_error', message: error.message },
    };
    const failed = this.frame({ type: 'response.failed', response }, false);
    const raised = this.frame(
      {
        type: 'error',
        code: error.code,
        message: error.message,
        param: error.param,
        error: { ...error },
      } as NativeEvent,
      false,
    );
    this.finish(response, nativeAssistant(response.output), () => failed + raised);
  }

  /** One event as a frame; a Response snapshot in it is shown as the gateway's. */
  private frame(event: NativeEvent, present = true): string {
    let out = event;
    if (present && event.response) {
      this.latest = event.response;
      const shown = presentNative({ ...event.response, model: this.model }, this.echo, null);
      out = { ...event, response: shown };
    }
    if (typeof out.sequence_number === 'number') this.sequence = out.sequence_number + 1;
    else out = { ...out, sequence_number: this.sequence++ };
    return `event: ${out.type}\ndata: ${JSON.stringify(out)}\n\n`;
  }
}
