import { tokenizerChunks } from '@switchyard/core';
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
    // In pieces: one long unbroken "word" would take the tokenizer quadratic time.
    return (text: string) => {
      let total = 0;
      for (const chunk of tokenizerChunks(text)) total += countTokens(chunk, asText);
      return total;
    };
  });
  return loading;
}

/**
 * The parts of a chat request, besides its messages, that a provider adds to the prompt it
 * counts: tool (and legacy function) definitions, the tool choice and a response format's JSON
 * schema. They are counted as their JSON text, which is longer than what providers render them
 * as, plus a few tokens of framing each.
 */
export interface PromptExtras {
  tools?: unknown;
  tool_choice?: unknown;
  functions?: unknown;
  function_call?: unknown;
  response_format?: unknown;
}

const EXTRA_FIELDS = ['tools', 'tool_choice', 'functions', 'function_call', 'response_format'] as const;
// Framing a provider adds around each tool definition or schema ("namespace functions", "type x = ...").
const PER_EXTRA_ITEM = 16;
/**
 * Audio input, bounded from its base64 size: Gemini counts 32 tokens a second and OpenAI 10, and
 * no accepted format carries a second in fewer than 1,000 bytes (8 kbit/s), which is 1,333 base64
 * characters: at most one token per 41 characters. 32 leaves room.
 */
const AUDIO_BASE64_CHARS_PER_TOKEN = 32;

/**
 * Every text of a chat prompt (message contents and names, tool-call names and arguments, the
 * request's tools and schemas), and the tokens of what is not text (framing, images, audio, files).
 */
function promptTexts(
  messages: readonly ChatCompletionMessageParam[],
  extras: PromptExtras = {},
): { texts: string[]; fixed: number } {
  const texts: string[] = [];
  let fixed = 3;
  for (const message of messages) {
    fixed += PER_MESSAGE;
    if (message === null || typeof message !== 'object') continue;
    if ('name' in message && typeof message.name === 'string') texts.push(message.name);
    const content = message.content;
    if (typeof content === 'string') texts.push(content);
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (part === null || typeof part !== 'object') continue;
        if (part.type === 'text') texts.push(typeof part.text === 'string' ? part.text : '');
        else if (part.type === 'image_url') fixed += PER_IMAGE;
        else if (part.type === 'input_audio')
          fixed += Math.ceil((part.input_audio?.data?.length ?? 0) / AUDIO_BASE64_CHARS_PER_TOKEN);
        // A file the files-in-chat preparer left inline (a provider that reads PDFs itself):
        // an estimate, not a bound (a PDF's text is compressed, and each page is also an
        // image): a token per 4 base64 characters (3 bytes), and a page image's worth on top.
        else if (part.type === 'file')
          fixed += Math.ceil((part.file?.file_data?.length ?? 0) / 4) + PER_IMAGE;
      }
    }
    if ('tool_calls' in message && message.tool_calls) {
      for (const call of message.tool_calls) {
        if (call.type !== 'function' || !call.function) continue;
        const { name, arguments: args } = call.function;
        if (typeof name === 'string') texts.push(name);
        if (typeof args === 'string') texts.push(args);
      }
    }
  }
  for (const field of EXTRA_FIELDS) {
    const value = extras[field];
    if (value === undefined || value === null) continue;
    texts.push(typeof value === 'string' ? value : JSON.stringify(value));
    fixed += PER_EXTRA_ITEM * (Array.isArray(value) ? value.length : 1);
  }
  return { texts, fixed };
}

/** Prompt tokens of a chat request, counted with a real tokenizer (o200k). */
export async function countPromptTokens(
  messages: readonly ChatCompletionMessageParam[],
  extras: PromptExtras = {},
): Promise<number> {
  const { texts, fixed } = promptTexts(messages, extras);
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

  constructor(
    private readonly messages: readonly ChatCompletionMessageParam[],
    private readonly extras: PromptExtras = {},
  ) {
    const { texts, fixed } = promptTexts(messages, extras);
    let bytes = fixed;
    for (const text of texts) bytes += textTokenBound(text);
    this.forReservation = bytes;
  }

  exact(): Promise<number> {
    this.counted ??= countPromptTokens(this.messages, this.extras);
    return this.counted;
  }
}
