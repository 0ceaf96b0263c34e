/**
 * A large request body's values, sent upstream as the caller's own bytes (issue 20, decision 0042).
 *
 * A /v1 body is parsed once, changed a little (the model name, a route's parameters, internal
 * fields removed) and serialized again for the upstream. For a prompt of 100k tokens that second
 * `JSON.stringify` and the string it makes (then encoded to UTF-8 again for the socket) are a large
 * share of the call's CPU and of the garbage that drives its collections. Here the body reader
 * keeps, for each large value of the body (a top-level object, or an element of a top-level array:
 * one message), the bytes it was parsed from, and {@link serializeJson} writes those bytes back in
 * place of the value. Everything else is serialized as before.
 *
 * A kept value may be changed in place after it was parsed (a preparer that inlines a file does
 * that), so each one is kept with a trace of every object, key and value it held: the bytes are
 * used only while a walk of the value finds each of them unchanged, by identity. A value that was
 * changed, or that was made anew, is serialized.
 */

/** The least a value's bytes must weigh to be kept (below it, `JSON.stringify` costs little). */
export const RAW_JSON_MIN_BYTES = 16 * 1024;

interface RawValue {
  readonly bytes: Buffer;
  /** What the value held when it was parsed, in the order {@link trace} walks it. */
  readonly trace: unknown[];
}

const kept = new WeakMap<object, RawValue>();

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipWhitespace(bytes: Buffer, at: number): number {
  while (isWhitespace(bytes[at])) at++;
  return at;
}

/** The index after the string that opens at `at` (a quote). */
function endOfString(bytes: Buffer, at: number): number {
  let quote = at;
  for (;;) {
    quote = bytes.indexOf(QUOTE, quote + 1);
    if (quote < 0) throw new SyntaxError('unterminated string');
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
}

/** Colons outside strings that the last {@link endOfValue} passed: one per key, repeated keys included. */
let colons = 0;

/** The index after the value that starts at `at` (counting its keys in {@link colons}). */
function endOfValue(bytes: Buffer, at: number): number {
  colons = 0;
  const first = bytes[at];
  if (first === QUOTE) return endOfString(bytes, at);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number or a literal: up to the next delimiter.
    while (at < bytes.length) {
      const byte = bytes[at];
      if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isWhitespace(byte)) break;
      at++;
    }
    return at;
  }
  let depth = 0;
  while (at < bytes.length) {
    const byte = bytes[at];
    if (byte === QUOTE) {
      at = endOfString(bytes, at);
      continue;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === COLON) colons++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return at + 1;
    }
    at++;
  }
  throw new SyntaxError('unterminated value');
}

/**
 * Calls `visit` with every value `root` holds, its keys and each object's size, in one fixed order
 * (own enumerable keys: what JSON.parse makes; a `toJSON` on a prototype is not JSON data).
 */
function trace(root: object, visit: (item: unknown) => boolean): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!visit(item)) return false;
    if (typeof item !== 'object' || item === null) continue;
    if (Array.isArray(item)) {
      if (!visit(item.length)) return false;
      for (let i = item.length - 1; i >= 0; i--) stack.push(item[i]);
    } else {
      const keys = Object.keys(item);
      if (!visit(keys.length)) return false;
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push((item as Record<string, unknown>)[keys[i]!]);
        stack.push(keys[i]);
      }
    }
  }
  return true;
}

/** The most trace items a kept value may have per byte of its JSON: values made mostly of text. */
const BYTES_PER_ITEM = 256;

/**
 * Keeps `value`'s bytes (`start` to `end`, whose keys {@link endOfValue} counted) when they say
 * exactly what `value` holds and writing them is worth it:
 * - as many keys as the parsed value has: a key repeated inside it (JSON.parse keeps the last) would
 *   reach the upstream twice, and an upstream that reads the first would see what the gateway
 *   never checked;
 * - no numbers: the caller's spelling of one (`1.0`, `1e2`, `-0`, `1e400`, digits past 2^53) is
 *   not what `JSON.stringify` writes of the number the gateway read;
 * - at most one trace item per {@link BYTES_PER_ITEM} bytes: the trace is walked again before each
 *   use, and for many small nodes (token arrays, thousands of parts) that costs more than
 *   `JSON.stringify` saves. A long text has a few.
 */
function keep(
  value: unknown,
  bytes: Buffer,
  start: number,
  end: number,
  keys: number,
  minBytes: number,
): void {
  if (end - start < minBytes || typeof value !== 'object' || value === null) return;
  const limit = (end - start) / BYTES_PER_ITEM;
  const items: unknown[] = [];
  let objectKeys = 0;
  let sizeNext = false;
  let objectNext = false;
  const complete = trace(value, (item) => {
    if (sizeNext) {
      // The size of the object or array just visited (for an object, its key count).
      sizeNext = false;
      if (objectNext) objectKeys += item as number;
    } else if (typeof item === 'number') {
      return false; // a number of the caller's
    } else if (typeof item === 'object' && item !== null) {
      sizeNext = true;
      objectNext = !Array.isArray(item);
    }
    items.push(item);
    return items.length <= limit;
  });
  if (!complete || objectKeys !== keys) return;
  kept.set(value, { bytes: bytes.subarray(start, end), trace: items });
}

/**
 * Keeps the bytes of `body`'s large values: each top-level value that is an object, and each
 * object or array element of a top-level array, whose JSON takes at least `minBytes`. `bytes` is
 * the whole body and `text` its decoded text, which `body` was parsed from. Nothing is kept when
 * the text is not exactly the bytes (an invalid UTF-8 sequence decoded to U+FFFD: the upstream
 * must get the replacement character, as it would from `JSON.stringify`).
 */
export function keepRawValues(
  bytes: Buffer,
  text: string,
  body: unknown,
  minBytes = RAW_JSON_MIN_BYTES,
): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  if (text.includes('\ufffd')) return;
  try {
    let at = skipWhitespace(bytes, bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
    if (bytes[at] !== OPEN_BRACE) return;
    // The last occurrence of a key is the one JSON.parse kept.
    const spans = new Map<string, [start: number, end: number, keys: number]>();
    at = skipWhitespace(bytes, at + 1);
    while (bytes[at] === QUOTE) {
      const keyEnd = endOfString(bytes, at);
      const key = JSON.parse(bytes.toString('utf8', at, keyEnd)) as string;
      at = skipWhitespace(bytes, keyEnd);
      if (bytes[at] !== COLON) return;
      const start = skipWhitespace(bytes, at + 1);
      const end = endOfValue(bytes, start);
      spans.set(key, [start, end, colons]);
      at = skipWhitespace(bytes, end);
      if (bytes[at] === COMMA) at = skipWhitespace(bytes, at + 1);
    }
    const record = body as Record<string, unknown>;
    for (const [key, [start, end, keys]] of spans) {
      if (end - start < minBytes) continue;
      const value = record[key];
      if (!Array.isArray(value)) {
        keep(value, bytes, start, end, keys, minBytes);
        continue;
      }
      // Each element of the array: a message, an input item.
      let element = skipWhitespace(bytes, start + 1);
      for (const item of value) {
        const elementEnd = endOfValue(bytes, element);
        keep(item, bytes, element, elementEnd, colons, minBytes);
        element = skipWhitespace(bytes, elementEnd);
        if (bytes[element] === COMMA) element = skipWhitespace(bytes, element + 1);
      }
    }
  } catch {
    // Not the text JSON.parse read (it was): keep nothing rather than bytes that may be wrong.
  }
}

/** The caller's bytes for `value`, when it was kept and still holds exactly what it was parsed with. */
export function rawJsonOf(value: object): Buffer | undefined {
  const raw = kept.get(value);
  if (raw === undefined) return undefined;
  const expected = raw.trace;
  let i = 0;
  const same = trace(value, (item) => i < expected.length && expected[i++] === item);
  if (same && i === expected.length) return raw.bytes;
  kept.delete(value); // changed: never again
  return undefined;
}

function isKept(value: unknown): boolean {
  return typeof value === 'object' && value !== null && kept.has(value);
}

function keptBytes(value: unknown): Buffer | undefined {
  return typeof value === 'object' && value !== null ? rawJsonOf(value) : undefined;
}

/**
 * `JSON.stringify(body)` for a body bound upstream, with the caller's own bytes in place of each
 * large value it still holds unchanged ({@link keepRawValues}): a Buffer when any is used, else
 * the string. The same JSON, but for a kept value's spacing and escapes, which are the caller's.
 */
export function serializeJson(body: object): string | Buffer {
  const record = body as Record<string, unknown>;
  let found = false;
  for (const key in record) {
    const value = record[key];
    if (typeof value !== 'object' || value === null) continue;
    if (kept.has(value) || (Array.isArray(value) && value.some(isKept))) {
      found = true;
      break;
    }
  }
  if (!found || Array.isArray(body) || typeof (body as { toJSON?: unknown }).toJSON === 'function') {
    return JSON.stringify(body);
  }
  const parts: Buffer[] = [];
  let text = '{';
  let first = true;
  const flush = (raw: Buffer): void => {
    parts.push(Buffer.from(text), raw);
    text = '';
  };
  for (const key of Object.keys(record)) {
    const value = record[key];
    const head = `${first ? '' : ','}${JSON.stringify(key)}:`;
    const raw = keptBytes(value);
    if (raw !== undefined) {
      text += head;
      flush(raw);
    } else if (Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
      text += `${head}[`;
      // Elements without kept bytes are written a run at a time, as JSON.stringify writes them
      // (a hole or undefined as null); each kept one as its bytes.
      let run: unknown[] = [];
      let written = false;
      const writeRun = (): void => {
        if (run.length === 0) return;
        text += (written ? ',' : '') + JSON.stringify(run).slice(1, -1);
        written = true;
        run = [];
      };
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const element = keptBytes(item);
        if (element === undefined) {
          run.push(item);
          continue;
        }
        writeRun();
        if (written) text += ',';
        flush(element);
        written = true;
      }
      writeRun();
      text += ']';
    } else {
      const json = JSON.stringify(value) as string | undefined;
      if (json === undefined) continue; // undefined, a function: JSON.stringify leaves the key out
      text += head + json;
    }
    first = false;
  }
  parts.push(Buffer.from(`${text}}`));
  return Buffer.concat(parts);
}
