import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/**
 * The messages that ask the next target to continue a cut answer: the original conversation plus
 * the text already delivered as a final assistant turn (a prefill: Anthropic continues it
 * natively, as do most OpenAI-compatible servers and Gemini's model turn). Trailing white space
 * is left out, since Anthropic refuses a prefill that ends in it; {@link ContinuationFilter}
 * puts the seam back together.
 */
export function continuationMessages(
  messages: readonly ChatCompletionMessageParam[],
  delivered: string,
): ChatCompletionMessageParam[] {
  return [...messages, { role: 'assistant', content: delivered.trimEnd() }];
}

/**
 * Joins a continuation onto what the client already has, with no repeated text: a model that
 * starts its answer over (repeats the delivered text) has that repeat dropped, and white space at
 * the seam is not doubled. Text is held only while it could still be such a repeat.
 */
export class ContinuationFilter {
  private held = '';
  private decided = false;
  private readonly seamSpace: boolean;

  constructor(private readonly delivered: string) {
    this.seamSpace = /\s$/.test(delivered);
  }

  /** The text to send now for this piece of the continuation ('' while undecided). */
  push(text: string): string {
    if (this.decided) return text;
    this.held += text;
    const prefix = this.delivered.trimEnd();
    if (prefix.length > 0 && this.held.length < prefix.length && prefix.startsWith(this.held)) return '';
    this.decided = true;
    let out = this.held;
    this.held = '';
    // The model started over: drop the repeat of what the client has.
    if (prefix.length > 0 && out.startsWith(prefix)) out = out.slice(prefix.length);
    // The client already has the seam's white space.
    if (this.seamSpace) out = out.replace(/^\s+/, '');
    return out;
  }

  /** What is still held when the continuation ends. */
  flush(): string {
    if (this.decided) return '';
    this.decided = true;
    const out = this.held;
    this.held = '';
    // Everything held was a repeat of the delivered text.
    return this.delivered.trimEnd().startsWith(out) ? '' : out;
  }
}

/**
 * Rewrites a continuation chunk into the client's stream: its id and model, no second role
 * announcement, the content through the filter. Returns null when nothing is left to send.
 */
export function continuationChunk(
  chunk: ChatCompletionChunk,
  stream: { id: string; model: string; created: number },
  filter: ContinuationFilter,
): ChatCompletionChunk | null {
  chunk.id = stream.id;
  chunk.model = stream.model;
  chunk.created = stream.created;
  let keep = chunk.usage != null;
  for (const choice of chunk.choices) {
    const delta = choice.delta as { role?: string; content?: string | null } | undefined;
    if (delta) {
      delete delta.role;
      if (typeof delta.content === 'string') delta.content = filter.push(delta.content);
      if (delta.content) keep = true;
      if (Object.keys(delta).some((k) => k !== 'content' && k !== 'role')) keep = true;
    }
    if (choice.finish_reason) {
      // The end: whatever was held back as a possible repeat goes out now, if it was not one.
      const rest = filter.flush();
      if (rest && choice.delta) {
        const delta = choice.delta as { content?: string | null };
        delta.content = `${rest}${delta.content ?? ''}`;
      }
      keep = true;
    }
  }
  return keep ? chunk : null;
}
