import { once } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express, { type NextFunction, type Request, type Response } from 'express';
import { leanJsonBody } from './lean-json.js';
import { currentRequestContext, requestContextMiddleware } from './request-context.js';

const LIMIT = 1024;

/** What a handler after the body reader sees: the body, or the error and its shape. */
type Seen = {
  body?: unknown;
  hasBody?: boolean;
  error?: Record<string, unknown>;
  requestId?: string;
  /** Whether body-parser read it (the lean reader passed it on). */
  fallback?: boolean;
};

/** An app with body-parser alone (`lean` false) or the lean reader in front of it. */
function app(lean: boolean): express.Express {
  const a = express();
  a.use(requestContextMiddleware());
  const parser = express.json({ limit: LIMIT, type: ['application/json', 'application/*+json'] });
  const fallback = (req: Request, res: Response, next: NextFunction) => {
    res.locals.fallback = true;
    return parser(req, res, next);
  };
  a.use(lean ? leanJsonBody(fallback, LIMIT) : fallback);
  a.use((req: Request, res: Response) => {
    const seen: Seen = {
      body: req.body as unknown,
      hasBody: 'body' in req,
      requestId: currentRequestContext().requestId,
      fallback: res.locals.fallback === true,
    };
    res.json(seen);
  });
  a.use((err: Error & Record<string, unknown>, _req: Request, res: Response, _next: NextFunction) => {
    const seen: Seen = {
      fallback: res.locals.fallback === true,
      error: {
        status: err.status,
        statusCode: err.statusCode,
        expose: err.expose,
        type: err.type,
        name: err.name,
        syntax: err instanceof SyntaxError,
        limit: err.limit,
      },
      requestId: currentRequestContext().requestId,
    };
    res.status(299).json(seen);
  });
  return a;
}

/** `lean`: the lean reader reads it itself (else it passes it to body-parser). */
type Raw = { name: string; headers: Record<string, string>; chunks: Buffer[]; lean?: boolean };

const json = (text: string, type = 'application/json', lean = false): Raw => ({
  name: `${type} ${JSON.stringify(text).slice(0, 40)}`,
  headers: { 'content-type': type },
  chunks: [Buffer.from(text)],
  lean,
});
const LEAN = 'application/json';

const cases = (): Raw[] => [
  json('{"model":"m","messages":[{"role":"user","content":"hi"}]}', LEAN, true),
  json('{"a":1}', 'application/json; charset=utf-8', true),
  json('{"a":1}', 'Application/JSON; Charset=UTF-8', true),
  json('{"a":1}', 'application/json;charset="utf-8"', true),
  json('{"a":1}', 'application/json ; charset = utf-8 ', true),
  json('{"a":1}', 'application/json; charset=latin1'),
  json('{"a":1}', 'application/json; charset=utf-16'),
  json('{"a":1}', 'application/json; boundary=x'),
  json('{"a":1}', 'application/json;\tcharset=utf-8'),
  json('{"a":1}', 'application/vnd.api+json'),
  json('{"a":1}', 'text/plain'),
  json('{"a":1}', 'application/x-www-form-urlencoded'),
  json('[1,2,3]', LEAN, true),
  json(' \n\t{"a":"b"}', LEAN, true),
  json('\uFEFF{"bom":true}', LEAN, true),
  json('\uFEFF', LEAN, true),
  json('   ', LEAN, true),
  json('{"a": ', LEAN, true),
  json('"just a string"', LEAN, true),
  json('42', LEAN, true),
  json('true', LEAN, true),
  json('  nul', LEAN, true),
  json('{"a":"\u0000 and \uD83D\uDE80"}', LEAN, true),
  json('{"deep":' + '['.repeat(100) + ']'.repeat(100) + '}', LEAN, true),
  json(`{"big":"${'x'.repeat(LIMIT)}"}`),
  {
    name: 'invalid UTF-8 inside a string',
    lean: true,
    headers: { 'content-type': 'application/json' },
    chunks: [
      Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xe2, 0x82, 0x41, 0xff, 0xc3]), Buffer.from('"}')]),
    ],
  },
  {
    name: 'a character split across two chunks',
    lean: true,
    headers: { 'content-type': 'application/json' },
    chunks: [
      Buffer.from('{"a":"caf\xc3', 'latin1'),
      Buffer.from('\xa9 \xe2\x82', 'latin1'),
      Buffer.from('\xac"}', 'latin1'),
    ],
  },
  {
    // Decoded at once this could give another count of U+FFFD than chunk by chunk.
    name: 'invalid UTF-8 split across chunks',
    lean: true,
    headers: { 'content-type': 'application/json' },
    chunks: [
      Buffer.from('{"a":"x\xe2\x82', 'latin1'),
      Buffer.from('\xf0\x9f', 'latin1'),
      Buffer.from('\x98"}', 'latin1'),
    ],
  },
  {
    name: 'a byte order mark split across chunks',
    lean: true,
    headers: { 'content-type': 'application/json' },
    chunks: [Buffer.from([0xef, 0xbb]), Buffer.from([0xbf]), Buffer.from('{"x":1}')],
  },
  {
    name: 'gzip',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    chunks: [gzipSync('{"zipped":true}')],
  },
  {
    name: 'identity encoding',
    headers: { 'content-type': 'application/json', 'content-encoding': 'identity' },
    chunks: [Buffer.from('{"a":1}')],
  },
  {
    name: 'an unknown encoding',
    headers: { 'content-type': 'application/json', 'content-encoding': 'snappy' },
    chunks: [Buffer.from('{"a":1}')],
  },
  {
    name: 'chunked, no length',
    headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    chunks: [Buffer.from('{"a":'), Buffer.from('1}')],
  },
  { name: 'an empty body', headers: { 'content-type': 'application/json' }, chunks: [] },
  { name: 'no content type', headers: {}, chunks: [Buffer.from('{"a":1}')] },
];

async function send(url: string, c: Raw, method = 'POST'): Promise<{ status: number; seen: Seen }> {
  const length = c.chunks.reduce((n, b) => n + b.length, 0);
  const headers: Record<string, string | number> = { 'x-request-id': 'lean-1', ...c.headers };
  if (!('transfer-encoding' in headers)) headers['content-length'] = length;
  const req = http.request(url, { method, headers });
  const response = once(req, 'response') as Promise<[http.IncomingMessage]>;
  for (const chunk of c.chunks) {
    req.write(chunk);
    // Separate packets, so the server sees separate chunks.
    await new Promise((r) => setTimeout(r, 5));
  }
  req.end();
  const [res] = await response;
  let text = '';
  for await (const part of res) text += String(part);
  return { status: res.statusCode!, seen: JSON.parse(text) as Seen };
}

describe('leanJsonBody: the same body and errors as body-parser', () => {
  const servers: Server[] = [];
  let plain = '';
  let lean = '';
  beforeAll(async () => {
    for (const useLean of [false, true]) {
      const server = http.createServer(app(useLean));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      servers.push(server);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (useLean) lean = url;
      else plain = url;
    }
  });
  afterAll(() => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });

  it.each(cases().map((c, i) => [i, c.name]))('case %i (%s)', async (i) => {
    const c = cases()[i as number]!;
    const expected = await send(plain, c);
    const actual = await send(lean, c);
    expect(actual.seen.fallback).toBe(!c.lean);
    expect({ ...actual, seen: { ...actual.seen, fallback: true } }).toEqual(expected);
    // The request's context reaches what runs after the body is read.
    expect(actual.seen.requestId).toBe('lean-1');
  });

  it('parses other methods alike (a GET with a JSON body)', async () => {
    const c = json('{"q":1}');
    const expected = await send(plain, c, 'GET');
    const actual = await send(lean, c, 'GET');
    expect(actual.seen).toMatchObject({ fallback: false, body: { q: 1 } });
    expect({ ...actual, seen: { ...actual.seen, fallback: true } }).toEqual(expected);
  });

  it('reports a request aborted mid-body as body-parser does', async () => {
    const errors: Array<Record<string, unknown>> = [];
    const aborted = async (useLean: boolean) => {
      const a = express();
      a.use(requestContextMiddleware());
      const parser = express.json({ limit: LIMIT });
      a.use(useLean ? leanJsonBody(parser, LIMIT) : parser);
      const seen = new Promise<Record<string, unknown>>((resolve) => {
        a.use((err: Error & Record<string, unknown>, _req: Request, res: Response, _next: NextFunction) => {
          resolve({
            status: err.status,
            type: err.type,
            code: err.code,
            expected: err.expected,
            received: err.received,
            requestId: currentRequestContext().requestId,
          });
          res.status(400).end();
        });
      });
      const server = http.createServer(a).listen(0, '127.0.0.1');
      await once(server, 'listening');
      const req = http.request(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': 100, 'x-request-id': 'gone-1' },
      });
      req.on('error', () => undefined);
      req.write('{"a":');
      await new Promise((r) => setTimeout(r, 20));
      req.destroy();
      errors.push(await seen);
      server.closeAllConnections();
      server.close();
    };
    await aborted(false);
    await aborted(true);
    expect(errors[1]).toEqual(errors[0]);
    expect(errors[0]).toMatchObject({ status: 400, type: 'request.aborted', requestId: 'gone-1' });
  });

  it('decodes one chunk as StringDecoder does (what body-parser uses), whatever the bytes', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    for (let n = 0; n < 2000; n++) {
      const bytes = Buffer.from(Array.from({ length: 1 + (n % 13) }, () => rand()));
      const d = new StringDecoder('utf8');
      expect(bytes.toString('utf8')).toBe(d.write(bytes) + d.end());
    }
  });
});
