import { toApiError } from '@switchyard/core';
import type { ResolvedModel } from '@switchyard/providers';
import type { ChunkSink } from './chat-output.js';

/** Usage as the internal (Chat Completions) model reports it. */
export interface UsageLike {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

/** A chunk of either chat or legacy completion streams, as far as relaying cares. */
export interface RelayChunk {
  model: string;
  choices: unknown[];
  usage?: UsageLike | null;
}

export interface RelayResult {
  /** What the provider reported, if it did. */
  usage?: UsageLike;
  /** The text delivered to the client, for counting when the provider reported no usage. */
  text: string;
  /** Set when the stream ended early: the upstream failed or the client went away. */
  error?: unknown;
  /** The held-back usage chunk, to send (with cost) after settlement. */
  usageChunk?: RelayChunk & { usage: UsageLike };
  /** True when relaying stopped at the usage chunk: the upstream's end is still to be read. */
  pending?: boolean;
}

/**
 * Reads what is left of an upstream stream after its usage chunk (normally just `[DONE]`),
 * discarding it, so its connection goes back to the pool; never throws.
 */
export async function drainStream(iterator: AsyncIterator<unknown>): Promise<void> {
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) void next;
  } catch {
    // The answer is complete and settled; a failure after it changes nothing.
  }
}

/** The usage a chat (or legacy completion) chunk reports. */
export function chunkUsage(chunk: object): UsageLike | null | undefined {
  return (chunk as RelayChunk).usage;
}

/**
 * Relays an upstream stream to the client chunk for chunk, as it arrives. The upstream is always
 * asked for usage; the usage chunk is held back so the cost can be added once settled, and is
 * dropped when the client did not ask for usage. `usageOf` reads a chunk's usage in the internal
 * shape (another dialect's native events report it elsewhere, e.g. Responses' final event); a
 * chunk with usage and no `choices` is the usage chunk.
 */
export async function relayStream<C extends object>(
  iterator: AsyncIterator<C>,
  first: IteratorResult<C>,
  target: ResolvedModel,
  writer: ChunkSink,
  textOf: (chunk: C) => string,
  usageOf: (chunk: C) => UsageLike | null | undefined = chunkUsage,
): Promise<RelayResult> {
  const result: RelayResult = { text: '' };
  try {
    for (let next = first; !next.done; next = await iterator.next()) {
      const chunk = next.value as C & Partial<RelayChunk>;
      if ('model' in chunk) chunk.model = target.id;
      const usage = usageOf(chunk);
      if (usage) {
        result.usage = usage;
        if (!chunk.choices?.length) {
          // The usage chunk is the last one with data: settle now rather than one more upstream
          // beat later at [DONE]; the caller drains the rest off the response path.
          result.usageChunk = chunk as RelayChunk & { usage: UsageLike };
          result.pending = true;
          return result;
        }
        delete chunk.usage;
      }
      result.text += textOf(chunk);
      await writer.send(chunk);
      if (!writer.open) break;
    }
  } catch (err) {
    result.error = err;
  }
  if (!writer.open) await iterator.return?.();
  return result;
}

/** The OpenAI envelope for a failure in the middle of a stream. */
export function midStreamEnvelope(err: unknown, requestId: string) {
  const { error } = toApiError(err, 'POST', '');
  const envelope = error.toEnvelope();
  if (error.status >= 500 || error.type === 'upstream_error') {
    envelope.error.message = `The provider stream failed mid-way: ${error.message} Request id: ${requestId}.`;
  }
  return envelope;
}
