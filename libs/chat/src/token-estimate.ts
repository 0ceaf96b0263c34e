import { countTokens } from 'gpt-tokenizer';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

// Per-message framing tokens, as OpenAI counts them.
const PER_MESSAGE = 4;
// An image part costs at most this many tokens at high detail on OpenAI's pricing.
const PER_IMAGE = 1_105;

/**
 * Prompt tokens of a chat request, counted with a real tokenizer (o200k). Used for the credit
 * reservation and where a provider reports no usage.
 */
export function countPromptTokens(messages: readonly ChatCompletionMessageParam[]): number {
  let total = 3;
  for (const message of messages) {
    total += PER_MESSAGE;
    const content = message.content;
    if (typeof content === 'string') total += countTokens(content);
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (part.type === 'text') total += countTokens(part.text);
        else if (part.type === 'image_url') total += PER_IMAGE;
      }
    }
    if ('tool_calls' in message && message.tool_calls) {
      for (const call of message.tool_calls) {
        if (call.type === 'function')
          total += countTokens(call.function.name) + countTokens(call.function.arguments);
      }
    }
  }
  return total;
}

export function countTextTokens(text: string): number {
  return text ? countTokens(text) : 0;
}
