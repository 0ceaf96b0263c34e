/**
 * Server-sent events from a fetch body, one raw `data` payload at a time, as soon as its frame
 * is complete (no buffering beyond one frame). Frames may end with LF or CRLF pairs (Gemini sends
 * CRLF). `event:` and `id:` lines are ignored: every dialect read with it (Gemini, Cohere,
 * GigaChat) repeats what matters inside the data. Read errors propagate as they are, for the
 * caller to classify; the body is cancelled when the consumer stops.
 */
export async function* readSseFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  let carry = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const text = carry + (done ? decoder.decode() : decoder.decode(value, { stream: true }));
      // A CR at the very end may be the first half of a CRLF split across reads.
      carry = !done && text.endsWith('\r') ? '\r' : '';
      buffer += (carry ? text.slice(0, -1) : text).replace(/\r\n?/g, '\n');
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
          .join('\n');
        if (data !== '') yield data;
        end = buffer.indexOf('\n\n');
      }
      if (done) break;
    }
    const rest = buffer.trim();
    if (rest !== '') {
      const data = rest
        .split('\n')
        .filter((line) => !/^(event|id|retry):/.test(line))
        .map((line) => (line.startsWith('data:') ? line.slice(line.startsWith('data: ') ? 6 : 5) : line))
        .join('\n');
      if (data !== '') yield data;
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
