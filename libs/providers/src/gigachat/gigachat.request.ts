import type {
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { InternalChatRequest } from '../model/internal-model.js';
import {
  badRequest,
  jsonRequestOf,
  maxTokensOf,
  parseToolArguments,
  plainText,
  stopList,
  toolNamesById,
} from '../shared/chat-request.util.js';
import type { GigaChatFunction, GigaChatMessage, GigaChatRequest } from './gigachat.types.js';

/** A tool result as GigaChat wants it: a JSON object (plain text becomes `{"result": text}`). */
export function functionResult(content: string): string {
  try {
    const parsed: unknown = JSON.parse(content);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return content;
    return JSON.stringify({ result: parsed });
  } catch {
    return JSON.stringify({ result: content });
  }
}

function toGigaChatMessage(
  message: ChatCompletionMessageParam,
  names: ReadonlyMap<string, string>,
  provider: string,
  index: number,
): GigaChatMessage {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: plainText(message.content) };
    case 'user': {
      if (typeof message.content !== 'string') {
        const other = message.content.findIndex((p) => p.type !== 'text');
        if (other >= 0) {
          throw badRequest(
            provider,
            'GigaChat takes text only here: images and files are not supported.',
            `messages[${index}].content[${other}]`,
          );
        }
      }
      return { role: 'user', content: plainText(message.content) };
    }
    case 'assistant': {
      const calls = message.tool_calls ?? [];
      if (calls.length > 1) {
        throw badRequest(
          provider,
          'GigaChat takes one function call per assistant message.',
          `messages[${index}].tool_calls`,
        );
      }
      const [call] = calls;
      const content = plainText(message.content);
      if (call?.type !== 'function') return { role: 'assistant', content };
      const args = parseToolArguments(
        call.function.arguments,
        provider,
        `messages[${index}].tool_calls[0].function.arguments`,
      );
      return { role: 'assistant', content, function_call: { name: call.function.name, arguments: args } };
    }
    case 'tool': {
      const name = names.get(message.tool_call_id);
      if (!name) {
        throw badRequest(
          provider,
          `no assistant tool call has the id '${message.tool_call_id}'.`,
          `messages[${index}].tool_call_id`,
        );
      }
      return { role: 'function', name, content: functionResult(plainText(message.content)) };
    }
    case 'function':
      return { role: 'function', name: message.name, content: functionResult(message.content ?? '') };
  }
}

function functionsOf(
  body: ChatCompletionCreateParams,
  provider: string,
): Pick<GigaChatRequest, 'functions' | 'function_call'> {
  const functions: GigaChatFunction[] = [
    ...(body.tools ?? []).flatMap((t) => (t.type === 'function' ? [t.function] : [])),
    ...(body.functions ?? []),
  ].map((fn) => ({
    name: fn.name,
    ...(fn.description ? { description: fn.description } : {}),
    parameters: fn.parameters ?? { type: 'object', properties: {} },
  }));
  if (functions.length === 0) return {};
  const choice = body.tool_choice ?? body.function_call;
  let call: GigaChatRequest['function_call'] = 'auto';
  if (choice === 'none') call = 'none';
  else if (typeof choice === 'object' && choice !== null) {
    const name =
      'function' in choice && choice.type === 'function'
        ? choice.function.name
        : 'name' in choice && typeof choice.name === 'string'
          ? choice.name
          : undefined;
    if (name === undefined)
      throw badRequest(
        provider,
        'GigaChat takes tool_choice none, auto or one named function.',
        'tool_choice',
      );
    call = { name };
  } else if (choice === 'required') {
    // GigaChat cannot require "some" call; with one function, naming it means the same.
    const [only] = functions;
    if (functions.length !== 1 || !only) {
      throw badRequest(
        provider,
        'GigaChat cannot require a call among several tools: name one in tool_choice.',
        'tool_choice',
      );
    }
    call = { name: only.name };
  }
  return { functions, function_call: call };
}

/**
 * An internal (Chat Completions) request as GigaChat's body: OpenAI-like messages, tools as
 * `functions`, tool calls as `function_call` with object arguments and results as `function`
 * messages. What GigaChat has no field for is refused (400) rather than dropped: `n` > 1, `stop`,
 * JSON mode, images.
 */
export function toGigaChatRequest(body: InternalChatRequest, provider: string): GigaChatRequest {
  if ((body.n ?? 1) !== 1) throw badRequest(provider, 'GigaChat returns one choice: n must be 1.', 'n');
  if (stopList(body.stop)) throw badRequest(provider, 'GigaChat has no stop sequences.', 'stop');
  if (jsonRequestOf(body).kind !== 'none')
    throw badRequest(provider, 'GigaChat has no JSON mode.', 'response_format');
  const names = toolNamesById(body.messages);
  const maxTokens = maxTokensOf(body);
  return {
    model: body.model,
    messages: body.messages.map((m, i) => toGigaChatMessage(m, names, provider, i)),
    ...functionsOf(body, provider),
    ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
    ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
    ...(typeof body.top_p === 'number' ? { top_p: body.top_p } : {}),
    ...(body.stream ? { stream: true } : {}),
  };
}
