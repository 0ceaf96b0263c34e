import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { startEventStream, writeEvents, type ChunkSink } from '@switchyard/chat';
import type { ErrorEnvelope } from '@switchyard/core';
import type { ThinkingBlock } from '@switchyard/providers';
import type { Response } from 'express';
import { anthropicErrorOfEnvelope } from './messages.errors.js';
import { messageIdOf, stopReasonOf, usageOf, type InternalUsage } from './messages.response.js';

/** An event on the wire: Anthropic's stream events, and `ping`. */
export type MessagesEvent = RawMessageStreamEvent | { type: 'ping' };

/** An internal `chat.completion.chunk`, as far as the translation reads it. */
export interface InternalChunk {
  id?: string;
  model?: string;
  choices?: Array<{
    delta?: {
      content?: string | null;
      reasoning_content?: string | null;
      thinking_blocks?: ThinkingBlock[];
      tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
    };
    finish_reason?: string | null;
    stop_sequence?: string;
  }>;
  usage?: InternalUsage | null;
}

type OpenBlock = { index: number; kind: 'text' | 'thinking' } | { index: number; kind: 'tool'; call: number };

/**
 * The stream state machine: internal chunks in, Anthropic events out. Content blocks are opened
 * as their first delta arrives (thinking, text, one per tool call) and closed when the next kind
 * begins or the answer ends, so their indexes count up from 0 with no gaps; `message_start` (and a
 * `ping`) go first, `message_delta` with the stop reason and the whole usage, then `message_stop`,
 * last. Pure: the sink writes what it returns.
 */
export class MessagesEventMapper {
  private started = false;
  private block: OpenBlock | undefined;
  private next = 0;
  private finish: string | null | undefined;
  private stopSequence: string | undefined;

  constructor(private readonly fallbackId: string) {}

  map(chunk: InternalChunk): MessagesEvent[] {
    const events: MessagesEvent[] = [];
    this.begin(chunk, events);
    const choice = chunk.choices?.[0];
    if (!choice) return events;
    const delta = choice.delta ?? {};
    if (delta.reasoning_content) {
      this.open('thinking', events);
      events.push(this.delta({ type: 'thinking_delta', thinking: delta.reasoning_content }));
    }
    for (const block of delta.thinking_blocks ?? []) {
      if (block.type === 'thinking' && block.signature) {
        this.open('thinking', events);
        events.push(this.delta({ type: 'signature_delta', signature: block.signature }));
        this.close(events);
      } else if (block.type === 'redacted_thinking') {
        this.close(events);
        const index = this.next++;
        events.push({
          type: 'content_block_start',
          index,
          content_block: { type: 'redacted_thinking', data: block.data },
        });
        events.push({ type: 'content_block_stop', index });
      }
    }
    if (delta.content) {
      this.open('text', events);
      events.push(this.delta({ type: 'text_delta', text: delta.content }));
    }
    for (const call of delta.tool_calls ?? []) {
      const position = call.index ?? 0;
      const current = this.block;
      if (current?.kind !== 'tool' || current.call !== position) {
        this.close(events);
        const index = this.next++;
        this.block = { index, kind: 'tool', call: position };
        events.push({
          type: 'content_block_start',
          index,
          content_block: {
            type: 'tool_use',
            id: call.id ?? `toolu_${index}`,
            name: call.function?.name ?? '',
            input: {},
          },
        } as MessagesEvent);
      }
      const args = call.function?.arguments;
      if (args) events.push(this.delta({ type: 'input_json_delta', partial_json: args }));
    }
    if (choice.finish_reason) {
      this.finish = choice.finish_reason;
      this.stopSequence = choice.stop_sequence;
      this.close(events);
    }
    return events;
  }

  /** The closing events: the open block's stop, message_delta with the usage, message_stop. */
  end(last: InternalChunk | undefined): MessagesEvent[] {
    const events: MessagesEvent[] = [];
    this.begin(last ?? {}, events);
    this.close(events);
    const { stop_reason, stop_sequence } = stopReasonOf(this.finish, this.stopSequence);
    events.push({
      type: 'message_delta',
      delta: { stop_reason, stop_sequence },
      usage: usageOf(last?.usage ?? undefined),
    } as MessagesEvent);
    events.push({ type: 'message_stop' });
    return events;
  }

  private begin(chunk: InternalChunk, events: MessagesEvent[]): void {
    if (this.started) return;
    this.started = true;
    events.push({
      type: 'message_start',
      message: {
        id: messageIdOf(chunk.id ?? this.fallbackId),
        type: 'message',
        role: 'assistant',
        model: chunk.model ?? '',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // The whole usage is known at the end only; message_delta carries it.
        usage: {
          input_tokens: 0,
          output_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    } as unknown as MessagesEvent);
    events.push({ type: 'ping' });
  }

  private open(kind: 'text' | 'thinking', events: MessagesEvent[]): void {
    if (this.block?.kind === kind) return;
    this.close(events);
    const index = this.next++;
    this.block = { index, kind };
    const content_block =
      kind === 'text'
        ? { type: 'text', text: '', citations: null }
        : { type: 'thinking', thinking: '', signature: '' };
    events.push({ type: 'content_block_start', index, content_block } as MessagesEvent);
  }

  private close(events: MessagesEvent[]): void {
    if (!this.block) return;
    events.push({ type: 'content_block_stop', index: this.block.index });
    this.block = undefined;
  }

  private delta(delta: object): MessagesEvent {
    return { type: 'content_block_delta', index: this.block!.index, delta } as MessagesEvent;
  }
}

function frame(event: { type: string }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * The Messages stream sink: each internal chunk through {@link MessagesEventMapper}, written as
 * Anthropic's server-sent events; a failure after the first byte is an `event: error`. Writing
 * waits for the socket to drain, as the Chat Completions sink does.
 */
export class MessagesStreamSink implements ChunkSink {
  private started = false;
  private readonly mapper: MessagesEventMapper;

  constructor(
    private readonly res: Response,
    private readonly requestId: string,
  ) {
    this.mapper = new MessagesEventMapper(requestId);
  }

  start(headers: Record<string, string>): void {
    if (this.started) return;
    this.started = true;
    startEventStream(this.res, headers);
  }

  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  async send(chunk: unknown): Promise<void> {
    if (!this.open) return;
    const events = this.mapper.map(chunk as InternalChunk);
    if (events.length > 0) await writeEvents(this.res, events.map(frame).join(''));
  }

  done(last?: unknown): void {
    if (!this.open) return;
    this.res.end(
      this.mapper
        .end(last as InternalChunk | undefined)
        .map(frame)
        .join(''),
    );
  }

  fail(envelope: ErrorEnvelope): void {
    if (!this.open) return;
    const { type } = anthropicErrorOfEnvelope(envelope);
    const event = {
      type: 'error',
      error: { type, message: envelope.error.message },
      request_id: this.requestId,
    };
    this.res.end(`event: error\ndata: ${JSON.stringify(event)}\n\n`);
  }
}
