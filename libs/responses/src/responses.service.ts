import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { ChatService, compileValidator, sendJson, type ChatOutput, type NativeCall } from '@switchyard/chat';
import { AppConfig, InvalidRequestError, NotFoundError } from '@switchyard/core';
import type { Request, Response } from 'express';
import { toResponse } from './answer-mapper.js';
import { newId } from './ids.js';
import {
  NativeResponsesSink,
  nativeAssistant,
  nativeText,
  nativeUsage,
  presentNative,
  type NativeEvent,
  type NativeResponse,
} from './native-output.js';
import { nativeBody } from './native-request.js';
import { mapRequest, type MappedRequest, type ResponsesRequest } from './request-mapper.js';
import { ResponsesRepository, type ResponseOwner } from './responses.repository.js';
import { RESPONSES_SCHEMA } from './responses.schema.js';
import type { InternalMessage, ResponseEcho, ResponseObject } from './responses.types.js';
import { ResponsesStreamSink } from './stream-sink.js';
import { ResponsesStreamTranslator } from './stream-translator.js';

const validate = compileValidator<ResponsesRequest>(RESPONSES_SCHEMA);
const SWEEP_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A page of input items, as OpenAI pages them. */
export interface InputItemsPage {
  object: 'list';
  data: Array<Record<string, unknown>>;
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export interface InputItemsQuery {
  limit?: number;
  order?: 'asc' | 'desc';
  after?: string;
}

function ownerOf(caller: Caller): ResponseOwner {
  return { tenantId: caller.tenantId, userId: caller.userId };
}

type Target = Parameters<NativeCall['accepts']>[0][number];

/** Whether a target speaks the Responses API itself (its catalog entry says so). */
function speaksResponses(target: Target): boolean {
  return target.provider.format === 'openai' && target.provider.responsesApi === true;
}

/**
 * The native call of a request: when every planned target speaks the Responses API, the caller's
 * body goes through as it is (built-in tools intact); else the chat port, where what only the
 * native call carries is a 400 naming it. A call the response cache serves or stores stays on the
 * chat port unless it needs the native call.
 */
function nativeCall(
  body: ResponsesRequest,
  history: InternalMessage[],
  mapped: MappedRequest,
  decided: (native: boolean) => void,
): NativeCall<NativeResponse, NativeEvent> {
  const upstream = (target: Target, stream: boolean) =>
    nativeBody(body, history, target.upstreamModel, stream) as never;
  return {
    accepts: (targets, cached) => {
      const foreign = targets.find((target) => !speaksResponses(target));
      const [refusal] = mapped.nativeOnly;
      if (foreign && refusal)
        throw new InvalidRequestError(
          `${refusal.message} (${foreign.id} does not speak the Responses API natively.)`,
          { param: refusal.param, code: refusal.code },
        );
      const native = !foreign && (refusal !== undefined || !cached);
      decided(native);
      return native;
    },
    call: async (a, opts) => {
      if (!a.adapter.responses) throw notNative(a.target.id);
      return await a.adapter.responses(upstream(a.target, false), a.credentials, opts);
    },
    open: (a, opts) => {
      if (!a.adapter.responsesStream) throw notNative(a.target.id);
      return a.adapter.responsesStream(
        upstream(a.target, true),
        a.credentials,
        opts,
      ) as AsyncIterable<NativeEvent>;
    },
    textOf: nativeText,
    usageOf: nativeUsage,
  };
}

function notNative(id: string): InvalidRequestError {
  return new InvalidRequestError(`${id} does not speak the Responses API natively.`, { param: 'model' });
}

/**
 * /v1/responses: the Responses dialect over the one chat call path. A request is mapped onto the
 * internal Chat Completions body (with the stored conversation of `previous_response_id`), run by
 * {@link ChatService.chat} (planning, reservation, failover, settlement, usage records), and its
 * answer presented as a Response or Responses events. Stored responses belong to one user of one
 * tenant; anyone else gets 404.
 */
@Injectable()
export class ResponsesService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Responses');
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly chat: ChatService,
    private readonly repository: ResponsesRepository,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.responses.retentionDays <= 0) return;
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** Deletes stored responses past RESPONSES_RETENTION_DAYS; returns how many. */
  async sweep(now = Date.now()): Promise<number> {
    if (this.config.responses.retentionDays <= 0) return 0;
    try {
      return await this.repository.deleteOlderThan(this.oldest(now));
    } catch (error) {
      this.logger.warn(`responses sweep failed: ${String(error)}`);
      return 0;
    }
  }

  /** POST /v1/responses */
  async create(caller: Caller, raw: unknown, req: Request, res: Response): Promise<void> {
    const body = validate(raw);
    const owner = ownerOf(caller);
    let history: InternalMessage[] = [];
    if (body.previous_response_id) {
      // A conversation holds at most what one request could carry: each turn's body is bounded,
      // but a chain of them was not, and every continuation loaded, mapped and sent it whole.
      const maxBytes = this.config.http.maxBodyBytes;
      const previous = await this.repository.conversation(
        owner,
        body.previous_response_id,
        this.oldest(),
        maxBytes,
      );
      if (!previous)
        throw new NotFoundError(`Previous response with id '${body.previous_response_id}' not found.`, {
          param: 'previous_response_id',
          code: 'previous_response_not_found',
        });
      if (!previous.messages)
        throw new InvalidRequestError(
          `The conversation behind '${body.previous_response_id}' holds ${previous.bytes} bytes, more than one request may carry (MAX_BODY_BYTES, ${maxBytes}); start a new conversation, with what it needs from this one as input.`,
          { param: 'previous_response_id', code: 'conversation_too_large' },
        );
      history = previous.messages;
    }
    const mapped = mapRequest(body, history, { native: true });
    const echo: ResponseEcho = Object.assign(
      { id: newId('resp'), created_at: Math.floor(Date.now() / 1000) },
      mapped.echo,
    );
    const keep = async (response: ResponseObject, assistant: InternalMessage): Promise<void> => {
      if (!echo.store) return;
      try {
        await this.repository.insert(owner, {
          id: response.id,
          status: response.status,
          response,
          inputItems: mapped.inputItems,
          messages: [...history, ...mapped.turnMessages, assistant],
        });
      } catch (error) {
        // The answer is paid for and goes out; only its continuation is lost.
        this.logger.error(
          { req: { id: req.id } },
          `storing response ${response.id} failed: ${String(error)}`,
        );
      }
    };
    let native = false;
    const output: ChatOutput = {
      json: (response, completion, headers) => {
        if (native) {
          const answer = presentNative(completion as NativeResponse, echo);
          void keep(answer, nativeAssistant(answer.output)).then(() => sendJson(response, answer, headers));
          return;
        }
        const { response: answer, assistant } = toResponse(
          completion as Parameters<typeof toResponse>[0],
          echo,
          mapped.encryptedReasoning,
        );
        // Stored before it is sent: the next turn may name it at once.
        void keep(answer, assistant).then(() => sendJson(response, answer, headers));
      },
      stream: (response) =>
        native
          ? new NativeResponsesSink(response, echo, keep)
          : new ResponsesStreamSink(
              response,
              new ResponsesStreamTranslator(echo, mapped.encryptedReasoning),
              keep,
            ),
    };
    const dialect = nativeCall(body, history, mapped, (decided) => (native = decided));
    // `auto`, an orchestrated route or web search is several chat calls: never native, so what
    // only the native call carries (built-in tools...) is refused, never dropped.
    if (mapped.nativeOnly[0] && this.chat.isOrchestrated(mapped.chat, caller)) throw mapped.nativeOnly[0];
    await this.chat.chat(caller, mapped.chat, req, res, output, dialect);
  }

  /** GET /v1/responses/{id} */
  async get(caller: Caller, id: string): Promise<ResponseObject> {
    const response = await this.repository.response(ownerOf(caller), id, this.oldest());
    if (!response) throw this.notFound(id);
    return response;
  }

  /** DELETE /v1/responses/{id} */
  async delete(caller: Caller, id: string): Promise<{ id: string; object: 'response'; deleted: true }> {
    if (!(await this.repository.delete(ownerOf(caller), id))) throw this.notFound(id);
    return { id, object: 'response', deleted: true };
  }

  /** GET /v1/responses/{id}/input_items */
  async inputItems(caller: Caller, id: string, query: InputItemsQuery): Promise<InputItemsPage> {
    const items = await this.repository.inputItems(ownerOf(caller), id, this.oldest());
    if (!items) throw this.notFound(id);
    const limit = query.limit ?? 20;
    const ordered = query.order === 'asc' ? items : [...items].reverse();
    let start = 0;
    if (query.after !== undefined) {
      const at = ordered.findIndex((item) => item.id === query.after);
      if (at < 0)
        throw new InvalidRequestError(`No input item with id '${query.after}' in response '${id}'.`, {
          param: 'after',
        });
      start = at + 1;
    }
    const data = ordered.slice(start, start + limit);
    return {
      object: 'list',
      data,
      first_id: (data[0]?.id as string | undefined) ?? null,
      last_id: (data[data.length - 1]?.id as string | undefined) ?? null,
      has_more: start + limit < ordered.length,
    };
  }

  /** POST /v1/responses/{id}/cancel: only background responses can be cancelled, and there are none. */
  async cancel(caller: Caller, id: string): Promise<never> {
    await this.get(caller, id);
    throw new InvalidRequestError(
      'Only background responses can be cancelled, and Switchyard does not run responses in the background: this one has already finished.',
      { param: 'response_id', code: 'not_background' },
    );
  }

  private notFound(id: string): NotFoundError {
    return new NotFoundError(`Response with id '${id}' not found.`, { param: 'response_id' });
  }

  /** The oldest creation time still within retention. */
  private oldest(now = Date.now()): Date {
    const days = this.config.responses.retentionDays;
    return new Date(days > 0 ? now - days * DAY_MS : 0);
  }
}
