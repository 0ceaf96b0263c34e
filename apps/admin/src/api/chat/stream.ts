import { ApiError, authedFetch } from '../http';
import { readSseData } from './sse';
import type { ChatChunk, ChatRequest, ChatStats } from './types';

export interface StreamHandlers {
  /** Each piece of the answer's text, as it arrives. */
  onDelta(text: string): void;
  /** The numbers under the answer, updated as they become known. */
  onStats(stats: ChatStats): void;
}

/**
 * Streams a chat completion through the gateway (the session's access token authenticates it,
 * like an API key would). Resolves when the stream ends; rejects with an ApiError on an error
 * answer or an error event; an abort (the stop button) resolves with what had arrived.
 */
export async function streamChat(
  request: ChatRequest,
  handlers: StreamHandlers,
  signal: AbortSignal,
  now: () => number = () => performance.now(),
): Promise<ChatStats> {
  const started = now();
  const res = await authedFetch('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(request),
    signal,
  });
  if (!res.ok || !res.body) throw await ApiError.from(res);
  const stats: ChatStats = {
    model: res.headers.get('x-switchyard-model') ?? undefined,
    provider: res.headers.get('x-switchyard-provider') ?? undefined,
    route: res.headers.get('x-switchyard-route') ?? undefined,
    requestId: res.headers.get('x-request-id') ?? undefined,
  };
  handlers.onStats({ ...stats });
  try {
    for await (const data of readSseData(res.body)) {
      if (data === '[DONE]') break;
      const chunk = JSON.parse(data) as ChatChunk;
      if (chunk.error)
        throw new ApiError(502, chunk.error.type, chunk.error.code, undefined, chunk.error.message);
      const text = chunk.choices?.[0]?.delta?.content;
      if (text) {
        stats.ttftMs ??= Math.round(now() - started);
        handlers.onDelta(text);
      }
      if (chunk.model) stats.model = chunk.model;
      if (chunk.usage) {
        stats.promptTokens = chunk.usage.prompt_tokens;
        stats.completionTokens = chunk.usage.completion_tokens;
        stats.cost = chunk.usage.cost;
      }
      handlers.onStats({ ...stats });
    }
  } catch (err) {
    if (!(signal.aborted && (err as Error).name === 'AbortError')) throw err;
  }
  stats.latencyMs = Math.round(now() - started);
  handlers.onStats({ ...stats });
  return stats;
}

/** Uploads a file for use in chat (`purpose: user_data`); returns its id. */
export async function uploadFile(file: File): Promise<string> {
  const form = new FormData();
  form.set('purpose', 'user_data');
  form.set('file', file);
  const res = await authedFetch('/v1/files', { method: 'POST', body: form });
  if (!res.ok) throw await ApiError.from(res);
  return ((await res.json()) as { id: string }).id;
}

/** Reads an image into a data URL for an `image_url` content part. */
export function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the file.'));
    reader.readAsDataURL(file);
  });
}
