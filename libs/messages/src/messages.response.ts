import type { ContentBlock, Message, StopReason, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { ThinkingBlock } from '@switchyard/providers';

/** The internal usage (Chat Completions', with the prompt-cache details Switchyard reports). */
export interface InternalUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
}

/** An internal choice, with the internal model's extensions. */
interface InternalChoice {
  finish_reason?: string | null;
  stop_sequence?: string;
  message?: {
    content?: string | null;
    reasoning_content?: string | null;
    thinking_blocks?: ThinkingBlock[];
    tool_calls?: Array<{ id: string; type: string; function?: { name: string; arguments: string } }>;
  };
}

/** The internal `chat.completion` as far as the Messages answer reads it. */
export interface InternalCompletion {
  id: string;
  model: string;
  choices: InternalChoice[];
  usage?: InternalUsage;
}

/** Anthropic's usage counts; `input_tokens` is what the cache neither served nor stored. */
export type MessagesUsage = Pick<
  Usage,
  'input_tokens' | 'output_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens'
>;

export function usageOf(usage: InternalUsage | undefined): MessagesUsage {
  const read = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const written = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - read - written),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
  };
}

/** The internal finish reason as Anthropic's stop_reason (and the stop sequence, when known). */
export function stopReasonOf(
  finish: string | null | undefined,
  stopSequence: string | undefined,
): { stop_reason: StopReason; stop_sequence: string | null } {
  switch (finish) {
    case 'length':
      return { stop_reason: 'max_tokens', stop_sequence: null };
    case 'tool_calls':
    case 'function_call':
      return { stop_reason: 'tool_use', stop_sequence: null };
    case 'content_filter':
      return { stop_reason: 'refusal', stop_sequence: null };
    case null:
    case undefined:
    default:
      return stopSequence !== undefined
        ? { stop_reason: 'stop_sequence', stop_sequence: stopSequence }
        : { stop_reason: 'end_turn', stop_sequence: null };
  }
}

/** An Anthropic message id for an internal completion id (`chatcmpl-msg_x` -> `msg_x`). */
export function messageIdOf(id: string | undefined): string {
  const bare = (id ?? '').replace(/^chatcmpl-/, '');
  if (bare.startsWith('msg_')) return bare;
  return `msg_${bare || Date.now().toString(36)}`;
}

/** A tool call's JSON arguments as the input object Anthropic's tool_use carries. */
export function toolInputOf(args: string | undefined): Record<string, unknown> {
  if (!args) return {};
  try {
    const value: unknown = JSON.parse(args);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    // A provider that sent broken JSON: the text is kept rather than lost.
    return { arguments: args };
  }
}

/**
 * The internal `chat.completion` as an Anthropic message: thinking first (signed blocks as they
 * came; reasoning text from a provider without signatures as a thinking block with an empty
 * signature), then the text, then one tool_use block per tool call.
 */
export function toMessage(completion: InternalCompletion): Message {
  const choice = completion.choices[0] ?? {};
  const message = choice.message ?? {};
  const content: ContentBlock[] = [];
  if (message.thinking_blocks?.length) {
    for (const block of message.thinking_blocks) {
      content.push(
        block.type === 'thinking'
          ? { type: 'thinking', thinking: block.thinking, signature: block.signature ?? '' }
          : { type: 'redacted_thinking', data: block.data },
      );
    }
  } else if (message.reasoning_content) {
    content.push({ type: 'thinking', thinking: message.reasoning_content, signature: '' });
  }
  if (message.content) content.push({ type: 'text', text: message.content, citations: null });
  for (const call of message.tool_calls ?? []) {
    if (!call.function) continue;
    content.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: toolInputOf(call.function.arguments),
    } as ContentBlock);
  }
  return {
    id: messageIdOf(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content,
    ...stopReasonOf(choice.finish_reason, choice.stop_sequence),
    usage: usageOf(completion.usage),
  } as Message;
}
