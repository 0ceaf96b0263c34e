import { decode, encode } from 'gpt-tokenizer/encoding/o200k_base';

// Special-token strings in user text are counted as ordinary text instead of throwing.
const PLAIN = { disallowedSpecial: new Set<string>() };

/** Overhead added for each message (role and separators), as OpenAI's chat format does. */
export const TOKENS_PER_MESSAGE = 3;
/** Overhead added once per prompt for priming the assistant's reply. */
export const TOKENS_PER_PROMPT = 3;

/**
 * `text` in pieces of at most 1,000 characters, cut before whitespace where there is some: BPE
 * merging takes time quadratic in a word's length, and one 200,000-character word would hold the
 * process (the offline demo runs the simulator inside the gateway) for minutes. Ordinary text
 * counts the same as whole. The gateway's own copy is `tokenizerChunks` in libs/core.
 */
function pieces(text: string, max = 1_000): string[] {
  const out: string[] = [];
  let start = 0;
  while (text.length - start > max) {
    let end = start + max;
    let cut = end;
    while (cut > start + 1 && !/\s/.test(text[cut]!)) cut--;
    if (cut > start + 1) end = cut;
    else if (/[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
    out.push(text.slice(start, end));
    start = end;
  }
  out.push(text.slice(start));
  return out;
}

/** o200k_base tokens of a string, encoded piece by piece (see {@link pieces}). */
function encodeText(text: string): number[] {
  if (text.length <= 1_000) return encode(text, PLAIN);
  return pieces(text).flatMap((piece) => encode(piece, PLAIN));
}

/** o200k_base token count of a string. */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : encodeText(text).length;
}

/**
 * Prompt tokens of a chat request:
 *   sum over messages (system prompt included) of (tokens(message text) + TOKENS_PER_MESSAGE) + TOKENS_PER_PROMPT
 * where a message's text is its text parts joined with a space (an image part is the text "[image]",
 * a tool call is "<name> <arguments JSON>", a tool result is its content). Tool definitions are not counted.
 */
export function countPromptTokens(messageTexts: readonly string[]): number {
  let total = TOKENS_PER_PROMPT;
  for (const text of messageTexts) total += countTokens(text) + TOKENS_PER_MESSAGE;
  return total;
}

/** Cuts text to its first `max` tokens; returns null when it already fits. */
export function truncateToTokens(text: string, max: number): string | null {
  const tokens = encodeText(text);
  if (tokens.length <= max) return null;
  return decode(tokens.slice(0, Math.max(0, max)));
}

/** Text of a token-id prompt (legacy completions and embeddings accept token arrays). */
export function decodeTokens(tokens: readonly number[]): string {
  try {
    return decode(tokens);
  } catch {
    // Ids outside the vocabulary can't be decoded; the prompt is then just the ids.
    return tokens.join(' ');
  }
}

/** Token ids of a text (transcription segments list them). */
export function tokenIds(text: string): number[] {
  return encode(text, PLAIN);
}
