import { describe, expect, it } from '@jest/globals';
import { readSseFrames } from './sse-data.reader.js';

/**
 * A fetch-like body that hands out `bytes` in the given read sizes, each read in a later turn of
 * the event loop as a socket's would be (which also lets jest's timeout stop a reader that is
 * too slow: reads chained on promises alone would hold the loop until they finish).
 */
function body(bytes: Uint8Array, sizes: (i: number) => number): ReadableStream<Uint8Array> {
  let at = 0;
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      if (at >= bytes.length) return controller.close();
      const n = Math.max(1, sizes(i++));
      controller.enqueue(bytes.subarray(at, at + n));
      at += n;
    },
  });
}

async function frames(text: string, sizes: (i: number) => number = () => 1 << 20): Promise<string[]> {
  const out: string[] = [];
  for await (const data of readSseFrames(body(new TextEncoder().encode(text), sizes))) out.push(data);
  return out;
}

describe('readSseFrames', () => {
  it('reads data lines per frame, with LF, CRLF or CR line ends, skipping frames without data', async () => {
    const stream = [
      'event: message\ndata: {"a":1}\n\n',
      ': a comment\n\n',
      'data: {"b":2}\r\n\r\n',
      'data: line one\rdata: line two\r\r',
      'id: 7\ndata:no-space\n\n',
      'data: "é ✓ 😀"\n\n',
    ].join('');
    const expected = ['{"a":1}', '{"b":2}', 'line one\nline two', 'no-space', '"é ✓ 😀"'];
    expect(await frames(stream)).toEqual(expected);
    // Split anywhere (inside a CRLF, inside a multi-byte character, between the two LFs of a
    // frame's end), the frames are the same.
    for (const size of [1, 2, 3, 5, 7, 13]) expect(await frames(stream, () => size)).toEqual(expected);
    const seeded = (i: number) => ((i * 2_654_435_761) >>> 0) % 9;
    expect(await frames(stream, seeded)).toEqual(expected);
  });

  it('yields what is left at the end without a blank line, data prefix or not', async () => {
    expect(await frames('data: {"a":1}\n\ndata: {"b":2}\n')).toEqual(['{"a":1}', '{"b":2}']);
    expect(await frames('{"error":{"code":500}}')).toEqual(['{"error":{"code":500}}']);
    expect(await frames('event: done\n')).toEqual([]);
  });

  // An upstream may send one event of many megabytes (a long answer in one chunk, which the
  // caller can ask for). It used to be appended to one string searched from its start on every
  // read: a 32 MB event in 16 KB reads took two minutes. Linear, it takes well under a second.
  it('reads one 32 MB event arriving in 16 KB reads', async () => {
    const word = 'x'.repeat(32 * 1024 * 1024);
    const got = await frames(`data: {"text":"${word}"}\n\ndata: [DONE]\n\n`, () => 16 * 1024);
    expect(got).toHaveLength(2);
    expect(got[0]!.length).toBe(word.length + 11);
    expect(got[1]).toBe('[DONE]');
  }, 10_000);
});
