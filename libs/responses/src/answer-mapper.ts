import type { ThinkingBlock } from '@switchyard/providers';
import { newId } from './ids.js';
import { encodeReasoning } from './reasoning-carrier.js';
import type {
  ChatUsage,
  InternalMessage,
  OutputItem,
  ResponseEcho,
  ResponseObject,
  ResponseStatus,
  ResponseUsage,
} from './responses.types.js';

/** The assistant message of an internal answer, as far as a Response needs it. */
export interface AssistantMessage {
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  thinking_blocks?: ThinkingBlock[];
  tool_calls?: Array<{ id: string; type?: string; function?: { name: string; arguments: string } }>;
}

/** Chat usage -> Responses usage, keeping the gateway's `cost`. */
export function responseUsage(usage: ChatUsage | null | undefined): ResponseUsage | null {
  if (!usage) return null;
  const input = usage.prompt_tokens ?? 0;
  const output = usage.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens ?? input + output,
    ...(usage.cost !== undefined ? { cost: usage.cost } : {}),
  };
}

/** A chat finish reason -> the Response's status and why it is incomplete. */
export function statusOf(
  finish: string | null | undefined,
): Pick<ResponseObject, 'status' | 'incomplete_details'> {
  if (finish === 'length')
    return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finish === 'content_filter')
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** The reasoning output item of a message's reasoning (text and signed blocks). */
export function reasoningItem(
  id: string,
  text: string,
  blocks: ThinkingBlock[] | undefined,
  encrypted: boolean,
): OutputItem {
  return {
    id,
    type: 'reasoning',
    summary: [],
    content: [{ type: 'reasoning_text', text }],
    ...(encrypted ? { encrypted_content: encodeReasoning(text, blocks) } : {}),
  };
}

/** An internal assistant message -> the Response's output items, in order: reasoning, message, calls. */
export function outputItems(
  message: AssistantMessage,
  status: ResponseStatus,
  encrypted: boolean,
): OutputItem[] {
  const items: OutputItem[] = [];
  const itemStatus = status === 'incomplete' ? 'incomplete' : 'completed';
  if (message.reasoning_content || message.thinking_blocks?.length)
    items.push(
      reasoningItem(newId('rs'), message.reasoning_content ?? '', message.thinking_blocks, encrypted),
    );
  const content: Extract<OutputItem, { type: 'message' }>['content'] = [];
  if (typeof message.content === 'string' && (message.content || !message.tool_calls?.length))
    content.push({ type: 'output_text', text: message.content, annotations: [], logprobs: [] });
  if (message.refusal) content.push({ type: 'refusal', refusal: message.refusal });
  if (content.length)
    items.push({ id: newId('msg'), type: 'message', status: itemStatus, role: 'assistant', content });
  for (const call of message.tool_calls ?? []) {
    if (!call.function) continue;
    items.push({
      id: newId('fc'),
      type: 'function_call',
      status: itemStatus,
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
    });
  }
  return items;
}

/** The internal assistant message to store for continuations (what the next turn replays). */
export function storedAssistant(message: AssistantMessage): InternalMessage {
  const stored: InternalMessage = { role: 'assistant', content: message.content ?? null };
  if (message.refusal) stored.refusal = message.refusal;
  if (message.reasoning_content) stored.reasoning_content = message.reasoning_content;
  if (message.thinking_blocks?.length) stored.thinking_blocks = message.thinking_blocks;
  if (message.tool_calls?.length)
    stored.tool_calls = message.tool_calls.map((c) => ({ id: c.id, type: 'function', function: c.function }));
  else if (stored.content === null) stored.content = '';
  return stored;
}

/** An internal `chat.completion` -> a Response object. */
export function toResponse(
  completion: {
    model: string;
    choices: Array<{ message?: AssistantMessage; finish_reason?: string | null }>;
    usage?: ChatUsage | null;
  },
  echo: ResponseEcho,
  encrypted: boolean,
): { response: ResponseObject; assistant: InternalMessage } {
  const choice = completion.choices[0];
  const message = choice?.message ?? { content: '' };
  const status = statusOf(choice?.finish_reason);
  return {
    response: {
      ...echo,
      model: completion.model,
      ...status,
      error: null,
      output: outputItems(message, status.status, encrypted),
      usage: responseUsage(completion.usage),
    },
    assistant: storedAssistant(message),
  };
}
