import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';

/**
 * Building blocks of the route fuzz (test/route-fuzz.e2e-spec.ts): hostile values, mutations of a
 * valid request body, requests written byte for byte (so invalid UTF-8 and raw percent escapes
 * reach the gateway as sent), and the routes of the OpenAPI document.
 */

// ---------------------------------------------------------------------------------------------
// Hostile values

const LONG = 'x'.repeat(70_000);

/** Strings that break naive code: NUL, lone surrogates, huge numbers as text, SQL, dates. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  '\uD800',
  'x\uDFFFy',
  '\uDBFF\uDBFF',
  '\uFFFE\uFFFF',
  '\u202Eevil',
  LONG,
  'é'.repeat(5_000),
  '🚀'.repeat(300),
  '9223372036854775808',
  '-9223372036854775809',
  '1e309',
  '-1',
  '0',
  '1.5',
  'NaN',
  'Infinity',
  '0x10',
  ' 7 ',
  'true',
  'null',
  "' OR 1=1 --",
  '%',
  '_%',
  '\\',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '2025-13-45T99:99:99Z',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-20T00:00:00Z',
  '0000-00-00',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '0000000g-0000-0000-0000-000000000000',
  'sk-sy-' + 'A'.repeat(51),
  'simulator/',
  '/',
  'simulator/sim-gpt\u0000',
];

/** Numbers at the edges of every integer type, and a few non-integers. */
export const NASTY_NUMBERS: readonly number[] = [
  0,
  -0,
  -1,
  1.5,
  -2147483649,
  2147483648,
  4294967296,
  2 ** 53,
  2 ** 53 + 2,
  // 2^63 and -2^63 - 1 as doubles: just past bigint (the exact tokens are in RAW_NUMBER_TOKENS).
  2 ** 63,
  -(2 ** 63) - 1024,
  1e21,
  1e308,
  -1e308,
  5e-324,
  Number.MAX_SAFE_INTEGER,
];

/**
 * JSON number tokens a JavaScript value cannot produce: they are written into the body text as
 * they are (JSON.parse makes `1e400` Infinity and `-0` a negative zero).
 */
export const RAW_NUMBER_TOKENS: readonly string[] = [
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '-0',
  '1E-400',
  '0.00000000000000000000001',
  '9223372036854775807',
];

/** A marker for a raw token (see {@link RAW_NUMBER_TOKENS}); replaced in the serialized body. */
export interface RawToken {
  readonly raw: string;
}
const isRaw = (v: unknown): v is RawToken =>
  typeof v === 'object' &&
  v !== null &&
  Object.keys(v).length === 1 &&
  typeof (v as RawToken).raw === 'string';

const deepArray = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};
const deepObject = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};

/** Random strings made of any UTF-16 code unit (lone surrogates and controls included). */
const anyCodeUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)),
  maxLength: 24,
});

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: anyCodeUnits },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
);

export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_NUMBERS) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.integer() },
);

/** Any hostile JSON value: wrong types, nulls, edge numbers, odd strings, deep nesting. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: nastyString },
  { weight: 3, arbitrary: nastyNumber },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_NUMBER_TOKENS).map((raw): RawToken => ({ raw })) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constantFrom([], {}, [null], [{}], [[]], { '': null }) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, fc.constantFrom(null, 1, 'x'), { maxKeys: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(deepArray(2_000), deepObject(500)) },
);

/** Keys worth adding to an object: prototype names, empty, NUL, very long. */
export const nastyKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'a\u0000', '\uD800', 'x'.repeat(2_000), 'id'),
  fc.string({ maxLength: 8 }),
);

// ---------------------------------------------------------------------------------------------
// Mutations of a valid body

/** One change to a JSON value: replace a node, drop a key or add one. */
export type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: nastyValue }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      at: fc.nat(),
      key: nastyKey,
      value: nastyValue,
    }),
  },
);

type Path = (string | number)[];

/** Every node's path, down to a depth (a deep value inserted by a mutation is a leaf). */
function nodes(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (path.length >= 12) return out;
  if (Array.isArray(value)) value.forEach((v, i) => nodes(v, [...path, i], out));
  else if (typeof value === 'object' && value !== null && !isRaw(value)) {
    for (const [k, v] of Object.entries(value)) nodes(v, [...path, k], out);
  }
  return out;
}

/** Sets an own, enumerable property even for `__proto__`. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of `seed` with the mutations applied (each picks its node by index, modulo the count). */
export function mutate(seed: unknown, mutations: readonly Mutation[]): unknown {
  let root: unknown = structuredClone(seed);
  for (const original of mutations) {
    // Generated values can be shared constants: never insert one by reference.
    const m = 'value' in original ? { ...original, value: structuredClone(original.value) } : original;
    const all = nodes(root);
    const path = all[m.at % all.length]!;
    if (path.length === 0) {
      if (m.kind === 'replace') root = m.value;
      else if (m.kind === 'add' && typeof root === 'object' && root !== null && !Array.isArray(root)) {
        define(root as Record<string, unknown>, m.key, m.value);
      }
      continue;
    }
    let parent = root as Record<string | number, unknown>;
    for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
    const last = path.at(-1)!;
    if (m.kind === 'replace') {
      if (typeof last === 'string') define(parent, last, m.value);
      else parent[last] = m.value;
    } else if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else {
      const node = parent[last];
      if (typeof node === 'object' && node !== null && !Array.isArray(node) && !isRaw(node)) {
        define(node as Record<string, unknown>, m.key, m.value);
      } else if (Array.isArray(node)) node.push(m.value);
    }
  }
  return root;
}

/** JSON text of a value, with raw number tokens written as they are. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (isRaw(v)) {
      raws.push(v.raw);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  return (text ?? 'null').replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]!);
}

/** Bytes that are not UTF-8: a lone continuation byte, an overlong form, a CESU-8 surrogate. */
export const INVALID_UTF8 = [
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0x80]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
];

/** A JSON body whose first string value carries invalid UTF-8 bytes in place of its text. */
export function withInvalidUtf8(json: string, bytes: Buffer): Buffer {
  const match = /"(?:[^"\\]|\\.)*"\s*:\s*"/.exec(json);
  if (!match) return Buffer.concat([Buffer.from(json), bytes]);
  const at = match.index + match[0].length;
  return Buffer.concat([Buffer.from(json.slice(0, at)), bytes, Buffer.from(json.slice(at))]);
}

/** Bodies that are not the JSON object a route expects. */
export const GARBAGE_BODIES: readonly (string | Buffer)[] = [
  '',
  '{',
  '{"a":}',
  'null',
  '[]',
  '"text"',
  '1e400',
  '{"a":1e400}',
  '\u0000',
  '{"a":"\\ud800"}',
  '{"__proto__":{"admin":true}}',
  Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
  Buffer.concat([Buffer.from('{"a":"'), INVALID_UTF8[0]!, Buffer.from('"}')]),
];

export const CONTENT_TYPES: readonly string[] = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'application/octet-stream',
];

// ---------------------------------------------------------------------------------------------
// URL parts

/** A path or query value as raw URL text: percent-encoded, or raw escapes that decode badly. */
export function encodeForUrl(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone surrogate has no UTF-8 form: send the CESU-8 bytes WTF-8 would give it.
    return value.replace(/[\uD800-\uDFFF]/g, '%ED%A0%80').replace(/[^A-Za-z0-9%_.~-]/g, (c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        return '%ED%A0%80';
      }
    });
  }
}

/** Raw URL fragments: NUL, invalid UTF-8, encoded slashes and dots, overlong escapes. */
export const RAW_URL_VALUES: readonly string[] = [
  '%00',
  '%FF',
  '%ED%A0%80',
  '%C0%AF',
  '%2F',
  '..',
  '%2e%2e',
  '%',
  '%zz',
  'a%00b',
  '%F0%9F%9A%80',
  '+',
  '%20',
];

/** A path parameter: a known id (so the handler runs), a random uuid, or something hostile. */
export function pathValue(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known).map(encodeForUrl) },
    { weight: 1, arbitrary: fc.uuid().map(encodeForUrl) },
    { weight: 3, arbitrary: nastyString.filter((s) => s.length < 3_000).map(encodeForUrl) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_URL_VALUES) },
    { weight: 1, arbitrary: nastyNumber.map((n) => encodeForUrl(String(n))) },
  );
}

/** A query value as URL text. */
export const queryValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: nastyString.filter((s) => s.length < 3_000).map(encodeForUrl) },
  { weight: 2, arbitrary: nastyNumber.map((n) => encodeForUrl(String(n))) },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_URL_VALUES) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_NUMBER_TOKENS) },
);

/** `?a=..&b=..`: declared parameters with hostile values, repeated, bracketed, or unknown ones. */
export function queryString(names: readonly string[], valid: Record<string, string>): fc.Arbitrary<string> {
  const known = names.length > 0 ? fc.constantFrom(...names) : fc.constant('limit');
  const validPairs: [string, string][] = Object.entries(valid);
  if (validPairs.length === 0) validPairs.push(['limit', '5']);
  const pair = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(known, queryValue).map(([k, v]) => `${k}=${v}`) },
    {
      weight: 1,
      arbitrary: fc.tuple(known, queryValue, queryValue).map(([k, a, b]) => `${k}=${a}&${k}=${b}`),
    },
    { weight: 1, arbitrary: fc.tuple(known, queryValue).map(([k, v]) => `${k}[x]=${v}`) },
    { weight: 1, arbitrary: known.map((k) => `${k}`) },
    { weight: 1, arbitrary: fc.tuple(nastyKey, queryValue).map(([k, v]) => `${encodeForUrl(k)}=${v}`) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...validPairs).map(([k, v]) => `${k}=${encodeForUrl(v)}`),
    },
  );
  return fc.array(pair, { minLength: 1, maxLength: 3 }).map((pairs) => `?${pairs.join('&')}`);
}

// ---------------------------------------------------------------------------------------------
// Multipart

export interface MultipartPart {
  name: string;
  value: string | Buffer;
  filename?: string;
  contentType?: string;
}

/** A multipart/form-data body written byte for byte (names and filenames as given). */
export function multipart(parts: readonly MultipartPart[]): { body: Buffer; contentType: string } {
  const boundary = '----switchyard-fuzz-7d1a';
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface RawResponse {
  status: number;
  contentType: string;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined. */
  json: unknown;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** Sends a request exactly as given (path not re-encoded, body bytes as they are). */
export function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
  timeoutMs = 15_000,
): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent,
        headers:
          body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            headers: res.headers,
            text,
            json,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function closeAgent(): void {
  agent.destroy();
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document

interface SchemaObject {
  type?: 'object' | 'array' | 'number' | 'integer' | 'boolean' | 'string';
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  minLength?: number;
  minimum?: number;
  $ref?: string;
  allOf?: SchemaObject[];
  nullable?: boolean;
}

interface Operation {
  parameters?: { in: string; name: string; schema?: SchemaObject }[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

/** One route of the running app, as its OpenAPI document describes it. */
export interface Route {
  method: string;
  /** `/api/v1/users/{id}` */
  path: string;
  pathParams: string[];
  queryParams: string[];
  headerParams: string[];
  /** The JSON body schema, resolved, when the route takes one. */
  bodySchema?: SchemaObject;
}

export function routesOf(doc: OpenApiDocument): Route[] {
  const routes: Route[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = op.parameters ?? [];
      const json = op.requestBody?.content?.['application/json']?.schema;
      routes.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        headerParams: params.filter((p) => p.in === 'header').map((p) => p.name),
        bodySchema: json ? resolve(doc, json) : undefined,
      });
    }
  }
  return routes;
}

function resolve(doc: OpenApiDocument, schema: SchemaObject, depth = 0): SchemaObject {
  if (depth > 8) return {};
  if (schema.$ref) {
    const name = schema.$ref.split('/').at(-1)!;
    return resolve(doc, doc.components?.schemas?.[name] ?? {}, depth + 1);
  }
  if (schema.allOf?.length === 1) return resolve(doc, schema.allOf[0]!, depth + 1);
  const out: SchemaObject = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, resolve(doc, v, depth + 1)]),
    );
  }
  if (schema.items) out.items = resolve(doc, schema.items, depth + 1);
  return out;
}

/**
 * A plausible value for a schema: its example, enum or default, else by type and format. `ids`
 * fills uuid fields, `overrides` named fields (so a seed points at the test's own resources).
 */
export function seedFor(
  schema: SchemaObject,
  ids: readonly string[],
  overrides: Record<string, unknown> = {},
  name = '',
): unknown {
  if (name in overrides) return overrides[name];
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        const value = seedFor(sub, ids, overrides, key);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
    case 'array':
      return schema.items ? [seedFor(schema.items, ids, overrides)] : [];
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'uuid') return ids[0];
      if (schema.format === 'date-time') return '2030-01-01T00:00:00Z';
      return 'a'.repeat(Math.max(schema.minLength ?? 1, 1)) + (schema.minLength ? '' : 'bc');
    case undefined:
      return schema.properties ? seedFor({ ...schema, type: 'object' }, ids, overrides, name) : undefined;
  }
}
