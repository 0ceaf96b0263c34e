import type { Conversation, ReplyPlan, ToolCallPlan } from './conversation.types.js';
import { fillRequiredArgs } from './tool-args.util.js';
import { countPromptTokens, countTokens, truncateToTokens } from './tokens.util.js';

function pickToolCall(conv: Conversation): ToolCallPlan | null {
  if (conv.tools.length === 0 || conv.toolChoice.mode === 'none' || conv.toolResult !== null) return null;
  const choice = conv.toolChoice;
  const tool =
    choice.mode === 'named'
      ? (conv.tools.find((t) => t.name === choice.name) ?? { name: choice.name, parameters: {} })
      : conv.tools[0];
  if (!tool) return null;
  const args = fillRequiredArgs(tool.parameters);
  return { name: tool.name, args, argsJson: JSON.stringify(args) };
}

/** The untruncated reply text: tool results are acknowledged, JSON mode wraps, otherwise echo. */
export function baseReplyText(conv: Conversation): string {
  if (conv.toolResult !== null) return `tool result: ${conv.toolResult}`;
  if (conv.json) return JSON.stringify({ echo: conv.lastUserText });
  return `echo: ${conv.lastUserText}`;
}

/**
 * Applies the determinism rules: a tool call when tools are offered (see pickToolCall), else the
 * base text cut at the first stop string, then cut to max tokens.
 */
export function planReply(conv: Conversation): ReplyPlan {
  const promptTokens = countPromptTokens(conv.messageTexts);
  const toolCall = pickToolCall(conv);
  if (toolCall) {
    const completionTokens = countTokens(`${toolCall.name} ${toolCall.argsJson}`);
    return { text: '', toolCall, finish: 'tool_calls', stopSequence: null, promptTokens, completionTokens };
  }
  let text = baseReplyText(conv);
  const prefix = conv.assistantPrefix;
  if (prefix && text.startsWith(prefix)) text = text.slice(prefix.length);
  let finish: ReplyPlan['finish'] = 'stop';
  let stopSequence: string | null = null;
  let cutAt = -1;
  for (const stop of conv.stop) {
    const at = stop.length > 0 ? text.indexOf(stop) : -1;
    if (at >= 0 && (cutAt < 0 || at < cutAt)) {
      cutAt = at;
      stopSequence = stop;
    }
  }
  if (cutAt >= 0) {
    text = text.slice(0, cutAt);
    finish = 'stop_sequence';
  }
  if (conv.maxTokens !== null) {
    const cut = truncateToTokens(text, conv.maxTokens);
    if (cut !== null) {
      text = cut;
      finish = 'length';
      stopSequence = null;
    }
  }
  return { text, toolCall: null, finish, stopSequence, promptTokens, completionTokens: countTokens(text) };
}

/** Splits reply text into stream chunks: one word plus its following whitespace each. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text.length > 0 ? [text] : []);
}

/** Splits a tool call's argument JSON into at least two pieces, as providers stream it. */
export function splitArguments(json: string): string[] {
  if (json.length < 2) return [json, ''];
  const size = Math.max(1, Math.ceil(json.length / Math.max(2, Math.ceil(json.length / 16))));
  const pieces: string[] = [];
  for (let i = 0; i < json.length; i += size) pieces.push(json.slice(i, i + size));
  return pieces.length >= 2 ? pieces : [json.slice(0, 1), json.slice(1)];
}
