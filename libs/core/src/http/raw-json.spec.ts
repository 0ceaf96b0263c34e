import { describe, expect, it } from '@jest/globals';
import { keepRawValues, RAW_JSON_MIN_BYTES, rawJsonOf, serializeJson } from './raw-json.js';

/** A body as the reader leaves it: parsed from `text`, its large values kept. */
function read(text: string | Buffer): Record<string, unknown> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const decoded = bytes.toString('utf8').replace(/^\ufeff/, '');
  const body = JSON.parse(decoded) as Record<string, unknown>;
  keepRawValues(bytes, decoded, body);
  return body;
}

/** What the upstream gets, as text. */
function sent(body: object): string {
  const out = serializeJson(body);
  return typeof out === 'string' ? out : out.toString('utf8');
}

const big = (n = RAW_JSON_MIN_BYTES) => 'lorem '.repeat(Math.ceil(n / 6));
type Message = { role: string; content: unknown };

describe('serializeJson with the caller’s bytes', () => {
  it('writes a large message as the caller’s own bytes, and the rest as JSON.stringify', () => {
    // Spacing and an escape JSON.stringify would not write: only the caller's bytes have them.
    const system = `{ "role" : "system",\n  "content" : "\\u0041${big()}" }`;
    const body = read(
      `{"model":"alias","max_tokens":16,"messages":[${system}, {"role":"user","content":"hi"}]}`,
    );
    const upstream = { ...body, model: 'upstream-model', stream_options: { include_usage: true } };
    const out = serializeJson(upstream);
    expect(Buffer.isBuffer(out)).toBe(true);
    expect(out.toString()).toBe(
      `{"model":"upstream-model","max_tokens":16,"messages":[${system},{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}`,
    );
    expect(JSON.parse(out.toString())).toEqual(JSON.parse(JSON.stringify(upstream)));
  });

  it('still finds a message when the array around it is a new one (fields stripped, a turn added)', () => {
    const body = read(`{"messages":[{"role":"user","content":"${big()}"}]}`);
    const messages = body.messages as Message[];
    const upstream = { messages: [...messages, { role: 'assistant', content: 'so far' }] };
    expect(rawJsonOf(messages[0]!)).toBeDefined();
    expect(JSON.parse(sent(upstream))).toEqual(upstream);
  });

  it('serializes a kept value that was changed in place after it was parsed', () => {
    const parts = `[{"type":"text","text":"${big()}"},{"type":"file","file":{"file_id":"f1"}}]`;
    const cases: Array<[string, (m: Message) => void]> = [
      ['a part replaced', (m) => ((m.content as unknown[])[1] = { type: 'text', text: 'inlined' })],
      ['a part added', (m) => (m.content as unknown[]).push({ type: 'text', text: 'more' })],
      ['a part removed', (m) => (m.content as unknown[]).pop()],
      [
        'a nested field changed',
        (m) => ((m.content as Array<{ file?: { file_id: string } }>)[1]!.file!.file_id = 'f2'),
      ],
      ['a field deleted', (m) => delete (m as Partial<Message>).role],
      ['a field added', (m) => Object.assign(m, { name: 'x' })],
      ['the content replaced', (m) => (m.content = 'plain')],
    ];
    for (const [name, change] of cases) {
      const body = read(`{"messages":[{"role":"user","content":${parts}}]}`);
      const message = (body.messages as Message[])[0]!;
      change(message);
      expect({ name, sent: JSON.parse(sent(body)) }).toEqual({
        name,
        sent: JSON.parse(JSON.stringify(body)),
      });
      expect({ name, kept: rawJsonOf(message) }).toEqual({ name, kept: undefined });
    }
  });

  it('keeps a large top-level object (a JSON schema) and leaves small values and small bodies to JSON.stringify', () => {
    const schema = `{"type":"object","description":"${big()}"}`;
    const body = read(
      `{"model":"m","response_format":{"type":"json_schema","json_schema":${schema}},"tools":[]}`,
    );
    expect(rawJsonOf(body.response_format as object)).toBeDefined();
    expect(sent(body)).toBe(
      `{"model":"m","response_format":{"type":"json_schema","json_schema":${schema}},"tools":[]}`,
    );

    const small = read('{"model":"m","messages":[{"role":"user","content":"hi"}]}');
    expect(typeof serializeJson(small)).toBe('string');
    expect(rawJsonOf((small.messages as object[])[0]!)).toBeUndefined();
  });

  it('uses the last of a repeated key, as JSON.parse does', () => {
    const body = read(
      `{"messages":[{"role":"user","content":"first ${big()}"}],"messages":[{"role":"user","content":"last ${big()}"}]}`,
    );
    expect(sent(body)).toBe(`{"messages":[{"role":"user","content":"last ${big()}"}]}`);
  });

  it('finds the end of strings with escaped quotes and backslashes, and nested brackets inside strings', () => {
    const tricky = `a \\" ] b \\\\ c \\\\\\" { ${big()} \\\\`;
    const text = `{ "messages" : [ {"role":"user","content":"${tricky}"} , {"role":"user","content":["}", "${big()}"]} ] , "model" : "m" }`;
    const body = read(text);
    const [first, second] = body.messages as object[];
    expect(rawJsonOf(first!)?.toString()).toBe(`{"role":"user","content":"${tricky}"}`);
    expect(rawJsonOf(second!)?.toString()).toBe(`{"role":"user","content":["}", "${big()}"]}`);
    expect(JSON.parse(sent(body))).toEqual(JSON.parse(text));
  });

  it('keeps nothing from a body whose bytes are not valid UTF-8 (the upstream gets U+FFFD, as before)', () => {
    const bytes = Buffer.concat([
      Buffer.from(`{"messages":[{"role":"user","content":"${big()}`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}]}'),
    ]);
    const body = read(bytes);
    expect(rawJsonOf((body.messages as object[])[0]!)).toBeUndefined();
    expect(sent(body)).toBe(JSON.stringify(body));
  });

  it('reads past a byte order mark and multi-byte text', () => {
    const content = `caf\u00e9 \u{1F680} ${big()}`;
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`{"messages":[{"content":"${content}"}]}`),
    ]);
    const body = read(bytes);
    expect(rawJsonOf((body.messages as object[])[0]!)?.toString()).toBe(`{"content":"${content}"}`);
    expect(JSON.parse(sent({ model: 'x', ...body }))).toEqual({ model: 'x', messages: [{ content }] });
  });

  it('leaves out what JSON.stringify leaves out', () => {
    const body = read(`{"messages":[{"content":"${big()}"}]}`);
    const upstream = { a: undefined, f: () => 1, messages: body.messages, b: [undefined, 2] };
    expect(JSON.parse(sent(upstream))).toEqual(JSON.parse(JSON.stringify(upstream)));
  });

  it('keeps nothing that repeats a key inside it: the upstream must not see what JSON.parse dropped', () => {
    const body = read(`{"messages":[{"role":"system","content":"obey","role":"user","content":"${big()}"}]}`);
    const message = (body.messages as object[])[0]!;
    expect(message).toEqual({ role: 'user', content: big() });
    expect(rawJsonOf(message)).toBeUndefined();
    expect(sent(body)).toBe(JSON.stringify(body));
    const nested = read(
      `{"messages":[{"role":"user","content":[{"type":"text","text":"${big()}"},{"type":"image_url","image_url":{"url":"a","url":"b"}}]}]}`,
    );
    expect(rawJsonOf((nested.messages as object[])[0]!)).toBeUndefined();
    expect(sent(nested)).toContain('"url":"b"');
    expect(sent(nested)).not.toContain('"url":"a"');
  });

  it('keeps nothing with a number in it: the caller’s spelling of one is not JSON.stringify’s', () => {
    for (const number of ['1.0', '1e2', '-0', '1e400', '12345678901234567890', '7']) {
      const body = read(`{"tools":[{"type":"function","x":${number},"description":"${big()}"}]}`);
      expect({ number, kept: rawJsonOf((body.tools as object[])[0]!) }).toEqual({ number, kept: undefined });
      expect(sent(body)).toBe(JSON.stringify(body));
    }
  });

  it('keeps nothing made of many small nodes, where walking it would cost more than JSON.stringify', () => {
    const parts = Array.from({ length: 2000 }, (_, i) => ({ type: 'text', text: `part ${i} of many` }));
    const body = read(JSON.stringify({ messages: [{ role: 'user', content: parts }] }));
    expect(rawJsonOf((body.messages as object[])[0]!)).toBeUndefined();
    // A few parts of long text are kept.
    const long = read(
      JSON.stringify({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: big() },
              { type: 'text', text: 'hi' },
            ],
          },
        ],
      }),
    );
    expect(rawJsonOf((long.messages as object[])[0]!)).toBeDefined();
  });

  it('writes holes, undefined and runs of other elements around a kept one as JSON.stringify does', () => {
    const body = read(`{"messages":[{"role":"user","content":"${big()}"}]}`);
    const kept = (body.messages as object[])[0]!;
    // Holes at 0 and 5 (never set), undefined at 2.
    const messages: unknown[] = new Array(7);
    messages[1] = { role: 'system', content: 'a' };
    messages[2] = undefined;
    messages[3] = kept;
    messages[4] = { role: 'user', content: 'b' };
    messages[6] = kept;
    const upstream = { model: 'm', messages };
    expect(sent(upstream)).toBe(JSON.stringify(upstream));
  });

  it('agrees with JSON.stringify on random bodies, changed or not', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.3)
        return ['x"\\y', 'é\n\u2028', true, null, big(random() * 20000), big(random() * 20000), 1.5e3, -0][
          Math.floor(random() * (random() < 0.8 ? 6 : 8))
        ];
      if (r < 0.65) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, (_, i) => [`k${i}`, value(depth + 1)]),
      );
    };
    let withBytes = 0;
    for (let round = 0; round < 200; round++) {
      const original = { model: 'm', messages: Array.from({ length: 3 }, () => value(0)), extra: value(0) };
      const spacing = Math.floor(random() * 3);
      const body = read(JSON.stringify(original, null, spacing));
      if (random() < 0.5) {
        const messages = body.messages as unknown[];
        const target = messages[Math.floor(random() * messages.length)];
        if (target && typeof target === 'object') Object.assign(target, { changed: round });
      }
      if (Buffer.isBuffer(serializeJson({ ...body, model: 'upstream' }))) withBytes++;
      expect(JSON.parse(sent({ ...body, model: 'upstream' }))).toEqual(
        JSON.parse(JSON.stringify({ ...body, model: 'upstream' })),
      );
    }
    expect(withBytes).toBeGreaterThan(20); // the caller's bytes were used, not only JSON.stringify
  });
});
