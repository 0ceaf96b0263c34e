/**
 * Server-sent events from a fetch body, one parsed `data` payload at a time, as soon as its frame
 * is complete (no buffering beyond one frame). Gemini ends frames with CRLF pairs; both line
 * endings are accepted. Read and parse errors propagate as they are, for the caller to classify.
 */
export async function* readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
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
        if (data !== '') yield JSON.parse(data) as unknown;
        end = buffer.indexOf('\n\n');
      }
      if (done) break;
    }
    if (buffer.trim() !== '') {
      const data = buffer.startsWith('data:') ? buffer.slice(buffer.startsWith('data: ') ? 6 : 5) : buffer;
      yield JSON.parse(data) as unknown;
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
