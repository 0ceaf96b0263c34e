/**
 * The internal request and event model: the one shape every inbound dialect (Chat Completions,
 * Responses, Messages) maps onto and every adapter (OpenAI-compatible, Anthropic, Gemini) maps
 * from. It is OpenAI's Chat Completions shape, which the adapters already speak, with the few
 * extensions other dialects need to stay faithful. Extensions never reach an OpenAI-format
 * upstream: {@link stripInternalFields} removes them before the body is sent.
 *
 * Request extensions (on the body):
 * - `thinking`: Anthropic's `{type:'enabled', budget_tokens}` / `{type:'disabled'}`; the Anthropic
 *   adapter sends it as is, Gemini maps it to `thinkingConfig`, OpenAI-format upstreams get
 *   `reasoning_effort` instead (see {@link effortForBudget}).
 * - `top_k`: Anthropic's and Gemini's sampling parameter.
 * - on content parts and tools: `cache_control` (Anthropic's; honoured by the Anthropic adapter).
 * - on assistant messages: `reasoning_content` (text) and `thinking_blocks` (signed blocks to send
 *   back to Anthropic unchanged on the next turn).
 * - on tool messages: `is_error` (Anthropic's flag for a tool that failed).
 *
 * Event extensions (on `chat.completion` messages and `chat.completion.chunk` deltas):
 * - `reasoning_content`: reasoning text (DeepSeek's field; Anthropic `thinking`, Gemini thoughts).
 * - `thinking_blocks`: on a message, every block in order; on a delta, a block's signature
 *   (`{type:'thinking', signature}`) or a redacted block when it completes.
 * - `stop_sequence` on a choice: the stop sequence that ended the answer, when the upstream says
 *   (Anthropic does; OpenAI and Gemini report a plain `stop`).
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';

/** A thinking block as Anthropic returns it; the signature must come back unchanged. */
export type ThinkingBlock =
  { type: 'thinking'; thinking: string; signature?: string } | { type: 'redacted_thinking'; data: string };

/** Anthropic's extended thinking switch, carried through the internal request. */
export type ThinkingConfig = { type: 'enabled'; budget_tokens: number } | { type: 'disabled' };

/** The internal request: a Chat Completions body plus the extensions above. */
export type InternalChatRequest = ChatCompletionCreateParams & {
  thinking?: ThinkingConfig;
  top_k?: number;
};

/** Request fields that are Switchyard's internal extensions and never go to an OpenAI upstream. */
export const INTERNAL_REQUEST_FIELDS = ['thinking', 'top_k'] as const;

/** Message fields that are internal extensions (kept for Anthropic, dropped for OpenAI upstreams). */
export const INTERNAL_MESSAGE_FIELDS = ['thinking_blocks', 'is_error'] as const;

/**
 * Removes internal extensions from a body bound for an OpenAI-format upstream (in place; messages
 * and tools that carry one are copied, never changed). `reasoning_content` on assistant messages
 * stays: OpenAI ignores it and DeepSeek-style servers read it.
 */
export function stripInternalFields(body: Record<string, unknown>): Record<string, unknown> {
  for (const field of INTERNAL_REQUEST_FIELDS) delete body[field];
  const tools = body.tools;
  if (Array.isArray(tools) && tools.some((t: Record<string, unknown>) => t && 'cache_control' in t)) {
    body.tools = tools.map((t: Record<string, unknown>) => {
      if (!t || !('cache_control' in t)) return t;
      const { cache_control: _dropped, ...rest } = t;
      void _dropped;
      return rest;
    });
  }
  const messages = body.messages;
  if (Array.isArray(messages)) {
    body.messages = messages.map((m: Record<string, unknown>) => {
      if (!m || typeof m !== 'object' || !INTERNAL_MESSAGE_FIELDS.some((f) => f in m)) return m;
      const copy = { ...m };
      for (const field of INTERNAL_MESSAGE_FIELDS) delete copy[field];
      return copy;
    });
  }
  return body;
}

/** The OpenAI `reasoning_effort` closest to an Anthropic thinking budget. */
export function effortForBudget(budget: number): 'low' | 'medium' | 'high' {
  if (budget < 4096) return 'low';
  if (budget < 16384) return 'medium';
  return 'high';
}

/** The thinking budget that stands for each OpenAI `reasoning_effort` (the inverse of {@link effortForBudget}). */
export const BUDGET_FOR_EFFORT: Readonly<Record<'low' | 'medium' | 'high', number>> = {
  low: 2048,
  medium: 8192,
  high: 24576,
};

/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

/**
 * The thinking switch for a request that asked for a `reasoning_effort` rather than `thinking`
 * (Chat Completions and Responses callers reaching Anthropic or Gemini): `minimal` and `none`
 * think not at all, the others get {@link BUDGET_FOR_EFFORT}, kept under `maxTokens` (Anthropic
 * counts thinking in `max_tokens`). Undefined when the request asked for neither; a budget that
 * cannot fit is the caller's error (`param`), never a silent drop.
 */
export function thinkingOf(
  body: InternalChatRequest,
  maxTokens: number | undefined,
): ThinkingConfig | undefined | { error: string; param: string } {
  if (body.thinking) return body.thinking;
  const effort = (body as { reasoning_effort?: unknown }).reasoning_effort;
  if (effort === undefined || effort === null) return undefined;
  if (effort === 'minimal' || effort === 'none') return { type: 'disabled' };
  if (effort !== 'low' && effort !== 'medium' && effort !== 'high') return undefined;
  const budget = Math.min(BUDGET_FOR_EFFORT[effort], (maxTokens ?? Infinity) - 1);
  if (budget < MIN_THINKING_BUDGET) {
    return {
      error: `reasoning_effort '${effort}' needs room to think: set max_tokens (max_completion_tokens, max_output_tokens) above ${MIN_THINKING_BUDGET + 1}, or leave reasoning_effort out.`,
      param: 'reasoning_effort',
    };
  }
  return { type: 'enabled', budget_tokens: budget };
}
