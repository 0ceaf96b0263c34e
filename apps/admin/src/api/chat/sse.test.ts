import { describe, expect, it } from 'vitest';
import { readSseData } from './sse';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

async function collect(chunks: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const data of readSseData(streamOf(chunks))) out.push(data);
  return out;
}

describe('readSseData', () => {
  it('yields each event as it is completed, across chunk boundaries', async () => {
    expect(await collect(['data: {"a"', ':1}\n', '\ndata: [DONE]\n\n'])).toEqual(['{"a":1}', '[DONE]']);
  });

  it('understands \\r\\n and \\r line ends, even split between chunks', async () => {
    expect(await collect(['data: one\r', '\n\r\ndata: two\r\r'])).toEqual(['one', 'two']);
  });

  it('joins multi-line data and skips comments and other fields', async () => {
    expect(await collect([': keep-alive\n\n', 'event: x\nid: 1\ndata: a\ndata: b\n\n'])).toEqual(['a\nb']);
  });

  it('keeps the space-less form and a last event without a blank line', async () => {
    expect(await collect(['data:x\n\ndata: tail'])).toEqual(['x', 'tail']);
  });

  it('hands out the first event before the stream ends', async () => {
    let push!: (s: string) => void;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (s) => controller.enqueue(encoder.encode(s));
      },
    });
    const iterator = readSseData(body)[Symbol.asyncIterator]();
    push('data: first\n\n');
    expect((await iterator.next()).value).toBe('first');
  });
});
