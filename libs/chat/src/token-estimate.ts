import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

// Per-message framing tokens, as OpenAI counts them.
const PER_MESSAGE = 4;
// An image part costs at most this many tokens at high detail on OpenAI's pricing.
const PER_IMAGE = 1_105;

type Counter = (text: string) => number;
let loading: Promise<Counter> | undefined;

/**
 * The o200k tokenizer, loaded on first use: its tables are ~20 MB of heap (~45 MB of RSS) that
 * most gateways never need, since providers report usage and reservations use the byte bound.
 * Prompt text is user data, so "<|endoftext|>" in it counts as ordinary text (by default the
 * tokenizer throws on it).
 */
function tokenizer(): Promise<Counter> {
  loading ??= import('gpt-tokenizer').then(({ countTokens }) => {
    const asText = { disallowedSpecial: new Set<string>() };
    return (text: string) => countTokens(text, asText);
  });
  return loading;
}

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

/** Prompt tokens of a chat request, counted with a real tokenizer (o200k). */
export async function countPromptTokens(messages: readonly ChatCompletionMessageParam[]): Promise<number> {
  const { texts, fixed } = promptTexts(messages);
  const count = await tokenizer();
  let total = fixed;
  for (const text of texts) total += count(text);
  return total;
}

export async function countTextTokens(text: string): Promise<number> {
  return text ? (await tokenizer())(text) : 0;
}

/**
 * An upper bound of a text's tokens in microseconds: its UTF-8 byte count. Byte-level BPE
 * tokenizers never make a token of less than one byte.
 */
export function textTokenBound(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * A chat prompt's tokens, as cheaply as each use allows. `forReservation` is the UTF-8 byte
 * count plus framing, a true upper bound found in microseconds where exact counting takes ~15 ms
 * per 100k tokens and a 20 MB tokenizer. `exact()` counts (once) when it is really needed: a
 * provider that reports no usage, or a reservation the bound alone would refuse.
 */
export class PromptTokens {
  readonly forReservation: number;
  /** True: `forReservation` is the bound, not the count. */
  readonly bounded = true;
  private counted: Promise<number> | undefined;

  constructor(private readonly messages: readonly ChatCompletionMessageParam[]) {
    const { texts, fixed } = promptTexts(messages);
    let bytes = fixed;
    for (const text of texts) bytes += textTokenBound(text);
    this.forReservation = bytes;
  }

  exact(): Promise<number> {
    this.counted ??= countPromptTokens(this.messages);
    return this.counted;
  }
}
