import type {
  ChatCompletionContentPartText,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { ProviderError } from '../provider.port.js';

/** A `bad_request` ProviderError raised before anything was sent upstream. */
export function badRequest(provider: string, message: string, param?: string): ProviderError {
  return new ProviderError('bad_request', `${provider}: ${message}`, { provider, param });
}

/** `stop` as a list (OpenAI accepts a string or an array). */
export function stopList(stop: ChatCompletionCreateParams['stop']): string[] | undefined {
  if (stop === null || stop === undefined) return undefined;
  const list = (Array.isArray(stop) ? stop : [stop]).filter((s) => s !== '');
  return list.length > 0 ? list : undefined;
}

/** The output limit the caller set (`max_completion_tokens` supersedes `max_tokens`). */
export function maxTokensOf(body: ChatCompletionCreateParams): number | undefined {
  return body.max_completion_tokens ?? body.max_tokens ?? undefined;
}

/** Text of content that may only hold text parts (system, developer, tool messages). */
export function plainText(
  content: string | ReadonlyArray<{ type: string; text?: string }> | null | undefined,
): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content
    .filter((p): p is ChatCompletionContentPartText => p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text)
    .join('\n');
}

/** Function names by tool call id, so tool results (which carry only the id) can name their function. */
export function toolNamesById(messages: readonly ChatCompletionMessageParam[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    for (const call of message.tool_calls ?? []) {
      if (call.type === 'function') names.set(call.id, call.function.name);
    }
  }
  return names;
}

/** A tool call's arguments JSON as an object; a bad_request when it is not a JSON object. */
export function parseToolArguments(json: string, provider: string, param: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw badRequest(provider, 'tool call arguments must be a JSON object.', param);
}

/** What `response_format` asks for: nothing, any JSON object, or JSON matching a schema. */
export type JsonRequest =
  { kind: 'none' } | { kind: 'object' } | { kind: 'schema'; name: string; schema: Record<string, unknown> };

export function jsonRequestOf(body: ChatCompletionCreateParams): JsonRequest {
  const format = body.response_format;
  if (!format || format.type === 'text') return { kind: 'none' };
  if (format.type === 'json_object') return { kind: 'object' };
  if (format.type === 'json_schema') {
    return {
      kind: 'schema',
      name: format.json_schema.name,
      schema: format.json_schema.schema ?? { type: 'object' },
    };
  }
  return { kind: 'none' };
}
