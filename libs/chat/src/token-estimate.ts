import { countTokens as countWith } from 'gpt-tokenizer';

// Prompt text is user data: "<|endoftext|>" in it is ordinary text, not a special token
// (by default the tokenizer throws on it).
const AS_TEXT = { disallowedSpecial: new Set<string>() };
const countTokens = (text: string): number => countWith(text, AS_TEXT);
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

// Per-message framing tokens, as OpenAI counts them.
const PER_MESSAGE = 4;
// An image part costs at most this many tokens at high detail on OpenAI's pricing.
const PER_IMAGE = 1_105;
/**
 * Prompts up to this many UTF-16 code units of text are counted exactly for the reservation
 * (about 0.4 ms at most); longer ones are bounded by their UTF-8 size (see PromptTokens).
 */
export const EXACT_COUNT_CHARS = 16_384;

/** Every text of a chat prompt (message contents, tool-call names and arguments). */
function promptTexts(messages: readonly ChatCompletionMessageParam[]): { texts: string[]; fixed: number } {
  const texts: string[] = [];
  let fixed = 3;
  for (const message of messages) {
    fixed += PER_MESSAGE;
    const content = message.content;
    if (typeof content === 'string') texts.push(content);
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (part.type === 'text') texts.push(part.text);
        else if (part.type === 'image_url') fixed += PER_IMAGE;
      }
    }
    if ('tool_calls' in message && message.tool_calls) {
      for (const call of message.tool_calls) {
        if (call.type === 'function') texts.push(call.function.name, call.function.arguments);
      }
    }
  }
  return { texts, fixed };
}

/**
 * Prompt tokens of a chat request, counted with a real tokenizer (o200k). Used where a provider
 * reports no usage.
 */
export function countPromptTokens(messages: readonly ChatCompletionMessageParam[]): number {
  const { texts, fixed } = promptTexts(messages);
  let total = fixed;
  for (const text of texts) total += countTokens(text);
  return total;
}

/**
 * A chat prompt's tokens, as cheaply as each use allows. `forReservation` is exact for short
 * prompts; for long ones it is the UTF-8 byte count, a true upper bound for byte-level BPE
 * tokenizers (every token stands for at least one byte), found in microseconds where exact
 * counting takes ~15 ms per 100k tokens. `exact()` counts (once) when it is really needed: a
 * provider that reports no usage, or a reservation the bound alone would refuse.
 */
export class PromptTokens {
  readonly forReservation: number;
  /** True when `forReservation` is the upper bound rather than the count. */
  readonly bounded: boolean;
  private counted: number | undefined;

  constructor(private readonly messages: readonly ChatCompletionMessageParam[]) {
    const { texts, fixed } = promptTexts(messages);
    let chars = 0;
    for (const text of texts) chars += text.length;
    if (chars <= EXACT_COUNT_CHARS) {
      let total = fixed;
      for (const text of texts) total += countTokens(text);
      this.counted = total;
      this.forReservation = total;
      this.bounded = false;
    } else {
      let bytes = fixed;
      for (const text of texts) bytes += Buffer.byteLength(text, 'utf8');
      this.forReservation = bytes;
      this.bounded = true;
    }
  }

  exact(): number {
    this.counted ??= countPromptTokens(this.messages);
    return this.counted;
  }
}

export function countTextTokens(text: string): number {
  return text ? countTokens(text) : 0;
}
