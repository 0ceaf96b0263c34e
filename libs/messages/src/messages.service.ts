import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import {
  ChatService,
  callContextFor,
  compileValidator,
  countPromptTokens,
  sendJson,
  type ChatOutput,
} from '@switchyard/chat';
import { TargetPlanner, scopeFor } from '@switchyard/routing';
import type { Request, Response } from 'express';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { COUNT_TOKENS_SCHEMA, MESSAGES_SCHEMA } from './messages.schema.js';
import { InvalidRequestError } from '@switchyard/core';
import {
  callerPath,
  internalPrompt,
  toInternalRequest,
  type CountTokensRequest,
  type MessagesRequest,
} from './messages.request.js';
import { toMessage, type InternalCompletion } from './messages.response.js';
import { MessagesStreamSink } from './messages.stream.js';

const validateMessages = compileValidator<MessagesRequest>(MESSAGES_SCHEMA);
const validateCountTokens = compileValidator<CountTokensRequest>(COUNT_TOKENS_SCHEMA);

function requestIdOf(req: Request): string {
  const id = (req as Request & { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : '';
}

/** How the chat call path presents its answer to a Messages caller. */
export const MESSAGES_OUTPUT: ChatOutput = {
  json: (res, completion, headers) => sendJson(res, toMessage(completion as InternalCompletion), headers),
  stream: (res) => new MessagesStreamSink(res, requestIdOf(res.req)),
};

/**
 * POST /v1/messages and /v1/messages/count_tokens: Anthropic's request checked and mapped onto
 * the internal request, then the one chat call path (planning, credits, failover, usage records,
 * activity log) with {@link MESSAGES_OUTPUT} presenting the answer.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly chat: ChatService,
    private readonly planner: TargetPlanner,
  ) {}

  async create(caller: Caller, raw: unknown, req: Request, res: Response): Promise<void> {
    res.setHeader('request-id', requestIdOf(req));
    const { request, origins } = toInternalRequest(validateMessages(raw));
    try {
      await this.chat.chat(caller, request, req, res, MESSAGES_OUTPUT);
    } catch (error) {
      // A refusal of the internal request (a provider that cannot take a part) names the caller's field.
      if (error instanceof InvalidRequestError && error.param?.startsWith('messages[')) {
        throw new InvalidRequestError(callerPath(error.message, origins), {
          code: error.code,
          param: callerPath(error.param, origins),
          headers: error.headers,
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * The prompt's input tokens as the gateway counts them for reservations (o200k, tools and
   * images included); the model must be one the caller may use. Nothing is charged.
   */
  async countTokens(
    caller: Caller,
    raw: unknown,
    req: Request,
    res: Response,
  ): Promise<{ input_tokens: number }> {
    res.setHeader('request-id', requestIdOf(req));
    const body = validateCountTokens(raw);
    const { messages, tools, toolChoice } = internalPrompt(body);
    if (body.model !== 'auto') {
      const context = callContextFor(caller, req, res);
      this.planner.plan(
        caller,
        [body.model],
        { operation: 'chat', body: { model: body.model, messages, ...(tools ? { tools } : {}) } as never },
        scopeFor(caller, context),
      );
    }
    const input = await countPromptTokens(messages as unknown as ChatCompletionMessageParam[], {
      tools,
      tool_choice: toolChoice.tool_choice,
    });
    return { input_tokens: input };
  }
}
