/** The longest piece {@link tokenizerChunks} hands a tokenizer. */
export const TOKENIZER_CHUNK_CHARS = 1_000;

const WHITESPACE = /\s/;

/**
 * `text` in pieces of at most `max` characters, for a BPE tokenizer. Merging the pieces of one
 * pre-token takes time quadratic in its length, and a prompt, an embeddings input or an uploaded
 * file can be a single 70,000-character "word" (seconds of CPU; a megabyte, minutes). Pieces end
 * before whitespace where there is some (a tokenizer attaches a space to the word after it), so
 * ordinary text counts exactly as a whole; a run longer than `max` is cut where it must be (at
 * most one extra token per cut) and never inside a surrogate pair.
 */
export function tokenizerChunks(text: string, max = TOKENIZER_CHUNK_CHARS): string[] {
  if (text.length <= max) return [text];
  const chunks: string[] = [];
  let start = 0;
  while (text.length - start > max) {
    let end = start + max;
    let cut = end;
    while (cut > start + 1 && !WHITESPACE.test(text[cut]!)) cut--;
    if (cut > start + 1) end = cut;
    else {
      const code = text.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff) end--;
    }
    chunks.push(text.slice(start, end));
    start = end;
  }
  chunks.push(text.slice(start));
  return chunks;
}
