import type { ThinkingBlock } from '@switchyard/providers';
import { reasoningItem, responseUsage, statusOf, storedAssistant } from './answer-mapper.js';
import { newId } from './ids.js';
import type {
  ChatUsage,
  InternalMessage,
  OutputItem,
  ResponseEcho,
  ResponseObject,
} from './responses.types.js';

/** One Responses stream event: its `type` and payload, numbered by the translator. */
export type ResponseEvent = { type: string; sequence_number: number } & Record<string, unknown>;

/** The part of a `chat.completion.chunk` the translator reads. */
interface ChunkDelta {
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  thinking_blocks?: Array<{ type: string; signature?: string; data?: string }>;
  tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }>;
}
interface Chunk {
  choices?: Array<{ delta?: ChunkDelta; finish_reason?: string | null }>;
  usage?: ChatUsage | null;
}

interface OpenCall {
  outputIndex: number;
  id: string;
  callId: string;
  name: string;
  arguments: string;
}

/**
 * The Responses stream state machine: internal `chat.completion.chunk`s in, Responses events out
 * (`response.created`, output items with their content parts and deltas, `response.completed`).
 * Pure: it builds events and the final Response; writing them is the sink's job. Reasoning opens a
 * `reasoning` item (`reasoning_text` deltas), text a `message` item (`output_text` deltas), each
 * tool call a `function_call` item (argument deltas); a change of kind closes what was open.
 */
export class ResponsesStreamTranslator {
  private sequence = 0;
  private readonly output: OutputItem[] = [];
  private current: 'reasoning' | 'message' | 'calls' | null = null;
  private text = '';
  private reasoning = '';
  private refusal = '';
  /** Where the open item's text starts in `text` or `reasoning` (one copy of the answer, not two). */
  private partStart = 0;
  private partIndex = -1;
  private readonly calls = new Map<number, OpenCall>();
  private readonly allCalls: OpenCall[] = [];
  private readonly blocks: ThinkingBlock[] = [];
  private blockStart = 0;
  private finish: string | null = null;
  private model: string;

  constructor(
    private readonly echo: ResponseEcho,
    private readonly encrypted: boolean,
  ) {
    this.model = echo.model;
  }

  /** `response.created` and `response.in_progress`, for the model that serves. */
  start(model: string): ResponseEvent[] {
    this.model = model;
    const response = this.snapshot('in_progress');
    return [this.event('response.created', { response }), this.event('response.in_progress', { response })];
  }

  /** The events of one internal chunk (none for a usage-only chunk). */
  chunk(chunk: Chunk): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta ?? {};
      if (delta.reasoning_content) this.reasoningDelta(delta.reasoning_content, events);
      for (const block of delta.thinking_blocks ?? []) this.thinkingBlock(block);
      if (delta.content) this.textDelta(delta.content, events);
      if (delta.refusal) this.refusal += delta.refusal;
      for (const call of delta.tool_calls ?? []) this.callDelta(call, events);
      if (choice.finish_reason) this.finish = choice.finish_reason;
    }
    return events;
  }

  /**
   * Closes what is open and builds the final Response (with usage and cost) and the assistant
   * message to store. The final event comes from {@link final}, once the Response is stored.
   */
  end(usage: ChatUsage | null | undefined): {
    events: ResponseEvent[];
    response: ResponseObject;
    assistant: InternalMessage;
  } {
    const events: ResponseEvent[] = [];
    const { status, incomplete_details } = statusOf(this.finish);
    this.close(events, status === 'incomplete' ? 'incomplete' : 'completed');
    if (this.refusal) this.refusalItem(events);
    const response: ResponseObject = {
      ...this.snapshot(status),
      incomplete_details,
      usage: responseUsage(usage),
    };
    return { events, response, assistant: this.assistant() };
  }

  /** `response.completed`, or `response.incomplete`, for the Response {@link end} built. */
  final(response: ResponseObject): ResponseEvent {
    return this.event(response.status === 'completed' ? 'response.completed' : 'response.incomplete', {
      response,
    });
  }

  /** A failure after bytes went out: `response.failed`, then the `error` event the SDKs raise. */
  fail(error: { message: string; type: string; code: string | null; param: string | null }): {
    events: ResponseEvent[];
    response: ResponseObject;
    assistant: InternalMessage;
  } {
    const events: ResponseEvent[] = [];
    this.close(events, 'incomplete');
    const response: ResponseObject = {
      ...this.snapshot('failed'),
      error: { code: error.code ?? 'server_error', message: error.message },
    };
    events.push(this.event('response.failed', { response }));
    events.push(
      this.event('error', {
        code: error.code,
        message: error.message,
        param: error.param,
        error: { ...error },
      }),
    );
    return { events, response, assistant: this.assistant() };
  }

  private assistant(): InternalMessage {
    return storedAssistant({
      content: this.text || (this.allCalls.length ? null : ''),
      refusal: this.refusal || null,
      reasoning_content: this.reasoning || null,
      thinking_blocks: this.blocks,
      tool_calls: this.allCalls.map((c) => ({
        id: c.callId,
        function: { name: c.name, arguments: c.arguments },
      })),
    });
  }

  private snapshot(status: ResponseObject['status']): ResponseObject {
    return {
      ...this.echo,
      model: this.model,
      status,
      error: null,
      incomplete_details: null,
      // Items are not changed once done, and the open ones are closed before a snapshot that has
      // any: a copy of the list, not of the answer's text.
      output: [...this.output],
      usage: null,
    };
  }

  private event(type: string, payload: Record<string, unknown>): ResponseEvent {
    return { type, sequence_number: this.sequence++, ...payload };
  }

  private get index(): number {
    return this.output.length - 1;
  }

  private get itemId(): string {
    return this.output[this.index]!.id;
  }

  private reasoningDelta(delta: string, events: ResponseEvent[]): void {
    if (this.current !== 'reasoning') {
      this.close(events, 'completed');
      this.current = 'reasoning';
      this.partStart = this.reasoning.length;
      const item: OutputItem = { id: newId('rs'), type: 'reasoning', summary: [] };
      this.output.push(item);
      events.push(
        this.event('response.output_item.added', {
          output_index: this.index,
          item: { ...item, summary: [] },
        }),
      );
      events.push(
        this.event('response.content_part.added', {
          item_id: item.id,
          output_index: this.index,
          content_index: 0,
          part: { type: 'reasoning_text', text: '' },
        }),
      );
    }
    this.reasoning += delta;
    events.push(
      this.event('response.reasoning_text.delta', {
        item_id: this.itemId,
        output_index: this.index,
        content_index: 0,
        delta,
      }),
    );
  }

  /** A signed (or redacted) thinking block completes: it covers the reasoning since the last one. */
  private thinkingBlock(block: { type: string; signature?: string; data?: string }): void {
    if (block.type === 'redacted_thinking' && typeof block.data === 'string') {
      this.blocks.push({ type: 'redacted_thinking', data: block.data });
      return;
    }
    if (block.type === 'thinking') {
      this.blocks.push({
        type: 'thinking',
        thinking: this.reasoning.slice(this.blockStart),
        signature: block.signature,
      });
      this.blockStart = this.reasoning.length;
    }
  }

  private textDelta(delta: string, events: ResponseEvent[]): void {
    if (this.current !== 'message') {
      this.close(events, 'completed');
      this.current = 'message';
      this.partStart = this.text.length;
      this.partIndex = 0;
      const item: OutputItem = {
        id: newId('msg'),
        type: 'message',
        status: 'in_progress',
        role: 'assistant',
        content: [],
      };
      this.output.push(item);
      events.push(
        this.event('response.output_item.added', {
          output_index: this.index,
          item: { ...item, content: [] },
        }),
      );
      events.push(
        this.event('response.content_part.added', {
          item_id: item.id,
          output_index: this.index,
          content_index: this.partIndex,
          part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
        }),
      );
    }
    this.text += delta;
    events.push(
      this.event('response.output_text.delta', {
        item_id: this.itemId,
        output_index: this.index,
        content_index: this.partIndex,
        delta,
        logprobs: [],
      }),
    );
  }

  private callDelta(delta: NonNullable<ChunkDelta['tool_calls']>[number], events: ResponseEvent[]): void {
    let call = this.calls.get(delta.index);
    if (!call) {
      if (this.current !== 'calls') this.close(events, 'completed');
      this.current = 'calls';
      call = {
        outputIndex: this.output.length,
        id: newId('fc'),
        callId: delta.id ?? `call_${newId('fc').slice(3, 27)}`,
        name: delta.function?.name ?? '',
        arguments: '',
      };
      this.calls.set(delta.index, call);
      this.allCalls.push(call);
      const item: OutputItem = {
        id: call.id,
        type: 'function_call',
        status: 'in_progress',
        call_id: call.callId,
        name: call.name,
        arguments: '',
      };
      this.output.push(item);
      events.push(
        this.event('response.output_item.added', {
          output_index: call.outputIndex,
          item: { ...item },
        }),
      );
    }
    const piece = delta.function?.arguments;
    if (piece) {
      call.arguments += piece;
      events.push(
        this.event('response.function_call_arguments.delta', {
          item_id: call.id,
          output_index: call.outputIndex,
          delta: piece,
        }),
      );
    }
  }

  /** Closes the open item(s), in output order. */
  private close(events: ResponseEvent[], status: 'completed' | 'incomplete'): void {
    switch (this.current) {
      case null:
        return;
      case 'reasoning': {
        const item = this.output[this.index] as Extract<OutputItem, { type: 'reasoning' }>;
        const text = this.reasoning.slice(this.partStart);
        const part = { type: 'reasoning_text' as const, text };
        const at = { item_id: item.id, output_index: this.index, content_index: 0 };
        events.push(this.event('response.reasoning_text.done', { ...at, text }));
        events.push(this.event('response.content_part.done', { ...at, part }));
        const done = reasoningItem(item.id, text, this.blocks, this.encrypted);
        this.output[this.index] = done;
        events.push(this.event('response.output_item.done', { output_index: this.index, item: done }));
        break;
      }
      case 'message': {
        const item = this.output[this.index] as Extract<OutputItem, { type: 'message' }>;
        const text = this.text.slice(this.partStart);
        const part = { type: 'output_text' as const, text, annotations: [], logprobs: [] };
        const at = { item_id: item.id, output_index: this.index, content_index: this.partIndex };
        events.push(this.event('response.output_text.done', { ...at, text, logprobs: [] }));
        events.push(this.event('response.content_part.done', { ...at, part }));
        item.content = [part];
        item.status = status;
        events.push(this.event('response.output_item.done', { output_index: this.index, item }));
        break;
      }
      case 'calls':
        for (const call of this.calls.values()) {
          events.push(
            this.event('response.function_call_arguments.done', {
              item_id: call.id,
              output_index: call.outputIndex,
              name: call.name,
              arguments: call.arguments,
            }),
          );
          const item: OutputItem = {
            id: call.id,
            type: 'function_call',
            status,
            call_id: call.callId,
            name: call.name,
            arguments: call.arguments,
          };
          this.output[call.outputIndex] = item;
          events.push(this.event('response.output_item.done', { output_index: call.outputIndex, item }));
        }
        this.calls.clear();
        break;
    }
    this.current = null;
  }

  /** A refusal gathered from the stream: one message item with a refusal part, whole. */
  private refusalItem(events: ResponseEvent[]): void {
    const part = { type: 'refusal' as const, refusal: this.refusal };
    const item: OutputItem = {
      id: newId('msg'),
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    this.output.push(item);
    const at = { item_id: item.id, output_index: this.index, content_index: 0 };
    events.push(
      this.event('response.output_item.added', { output_index: this.index, item: { ...item, content: [] } }),
    );
    events.push(this.event('response.content_part.added', { ...at, part: { type: 'refusal', refusal: '' } }));
    events.push(this.event('response.refusal.delta', { ...at, delta: this.refusal }));
    events.push(this.event('response.refusal.done', { ...at, refusal: this.refusal }));
    events.push(this.event('response.content_part.done', { ...at, part }));
    item.content = [part];
    item.status = 'completed';
    events.push(this.event('response.output_item.done', { output_index: this.index, item }));
  }
}
