import type { Exchange } from './exchange.types.js';
import { delay } from './http.util.js';

/** One server-sent event; `event` is only written when set (Anthropic names every event). */
export interface SseFrame {
  event?: string;
  data: string;
}

/** Frame terminator: OpenAI and Anthropic use a blank line; Gemini sends CRLF pairs. */
export type SseLineEnd = '\n' | '\r\n';

function encodeFrame(frame: SseFrame, eol: SseLineEnd): string {
  const head = frame.event === undefined ? '' : `event: ${frame.event}${eol}`;
  return `${head}data: ${frame.data}${eol}${eol}`;
}

/**
 * Streams frames one write per frame, `chunk_delay` apart (the per-request fault or the simulator default), applying the stream faults:
 * `malformed` inserts a truncated copy of a middle frame (invalid JSON) and carries on;
 * `drop_after=N` destroys the socket after N frames, or before the last frame if the stream is shorter,
 * so a client never sees a clean end.
 */
export async function sendSse(
  ex: Exchange,
  frames: readonly SseFrame[],
  eol: SseLineEnd = '\n',
): Promise<void> {
  const { res, fault, signal } = ex;
  const chunkDelayMs = fault.chunkDelayMs ?? 0;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();
  const dropAfter =
    fault.dropAfter === null ? null : Math.min(fault.dropAfter, Math.max(0, frames.length - 1));
  const malformedAt = fault.malformed ? Math.floor((frames.length - 1) / 2) : -1;
  let written = 0;
  for (const [i, frame] of frames.entries()) {
    if (written === dropAfter) {
      res.destroy();
      return;
    }
    if (i > 0 && chunkDelayMs > 0 && !(await delay(chunkDelayMs, signal))) return;
    if (signal.aborted) return;
    if (i === malformedAt) {
      const broken = { ...frame, data: frame.data.slice(0, Math.max(1, Math.floor(frame.data.length / 2))) };
      res.write(encodeFrame(broken, eol));
      written++;
      if (written === dropAfter) {
        res.destroy();
        return;
      }
    }
    res.write(encodeFrame(frame, eol));
    written++;
  }
  res.end();
}
