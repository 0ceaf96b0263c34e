/** A tool the caller offered, reduced to what the simulator needs to call it. */
export interface ToolSpec {
  name: string;
  /** JSON schema of the arguments (OpenAI `parameters`, Anthropic `input_schema`, Gemini `parameters`). */
  parameters: unknown;
}

/** How the caller constrained tool use, normalised across providers. */
export type ToolChoice =
  { mode: 'auto' } | { mode: 'none' } | { mode: 'required' } | { mode: 'named'; name: string };

/** A chat request boiled down to the inputs of the deterministic reply rules. */
export interface Conversation {
  /** Text of every message, system prompt included, for prompt token counting. */
  messageTexts: string[];
  /** Text of the last user message ("" when there is none). */
  lastUserText: string;
  /** Content of the final turn's tool result(s), or null when the conversation doesn't end on one. */
  toolResult: string | null;
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  maxTokens: number | null;
  stop: string[];
  /** JSON mode (response_format json_object/json_schema, Gemini responseMimeType application/json). */
  json: boolean;
  /**
   * The text of a final assistant (model) turn: a prefill the reply continues. When the reply
   * would start with it, only the rest is sent (how a continuation after a cut stream is served).
   */
  assistantPrefix?: string | null;
}

/** The single tool call a reply may carry. */
export interface ToolCallPlan {
  name: string;
  args: Record<string, unknown>;
  argsJson: string;
}

/** Why generation ended, before mapping to each provider's vocabulary. */
export type FinishKind = 'stop' | 'length' | 'tool_calls' | 'stop_sequence';

/** The deterministic answer to a conversation, per choice (all choices are identical). */
export interface ReplyPlan {
  text: string;
  toolCall: ToolCallPlan | null;
  finish: FinishKind;
  /** The stop string that ended the text, when finish is `stop_sequence`. */
  stopSequence: string | null;
  promptTokens: number;
  /** Tokens of one choice. */
  completionTokens: number;
}

/**
 * The texts of the run of tool results a conversation ends on, in order (empty when its last item
 * is not one): `Conversation.toolResult` joins them. One pass from the end, then one slice.
 */
export function trailingResults<T>(
  items: T[],
  isResult: (item: T) => boolean,
  text: (item: T) => string,
): string[] {
  let first = items.length;
  while (first > 0 && isResult(items[first - 1]!)) first--;
  return items.slice(first).map(text);
}
