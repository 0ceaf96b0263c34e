import { readSseFrames } from '../shared/sse-data.reader.js';

/**
 * Server-sent events from a fetch body, one parsed `data` payload at a time, as soon as its frame
 * is complete (no buffering beyond one frame). Gemini ends frames with CRLF pairs; both line
 * endings are accepted. Read and parse errors propagate as they are, for the caller to classify.
 */
export async function* readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  for await (const data of readSseFrames(body)) yield JSON.parse(data) as unknown;
}
