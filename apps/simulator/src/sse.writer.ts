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
 * `pad=N` starts the first frame's data with N spaces (one event of that size, still valid JSON);
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
  // Destroying a socket discards unflushed writes, so a drop first waits for the last frame to leave.
  let flushed: Promise<void> = Promise.resolve();
  let written = 0;
  const write = (frame: SseFrame): boolean => {
    const padded =
      written === 0 && fault.pad ? { ...frame, data: ' '.repeat(fault.pad) + frame.data } : frame;
    const text = encodeFrame(padded, eol);
    if (dropAfter === null) res.write(text);
    else flushed = new Promise((resolve) => res.write(text, () => resolve()));
    written++;
    return written === dropAfter;
  };
  const drop = async (): Promise<void> => {
    await flushed;
    res.destroy();
  };
  if (dropAfter === 0) return drop();
  for (const [i, frame] of frames.entries()) {
    if (i > 0 && chunkDelayMs > 0 && !(await delay(chunkDelayMs, signal))) return;
    if (signal.closed) return;
    if (i === malformedAt) {
      const broken = { ...frame, data: frame.data.slice(0, Math.max(1, Math.floor(frame.data.length / 2))) };
      if (write(broken)) return drop();
    }
    if (write(frame)) return drop();
    if (fault.stallAfter !== null && written === fault.stallAfter) {
      // A stall: the stream stays open with nothing more to say, until the client leaves.
      await new Promise<void>((resolve) => (signal.closed ? resolve() : signal.onClose(resolve)));
      return;
    }
  }
  res.end();
}
