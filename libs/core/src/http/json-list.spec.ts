import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, get, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJsonList } from './json-list.js';

/** Serves one answer made by `send`, and reads it back as a client does. */
async function served(
  send: (res: ServerResponse) => Promise<void>,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  server = createServer((_req, res) => void send(res));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    }).on('error', reject);
  });
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

describe('sendJsonList', () => {
  it.each([
    ['a list in the middle', { object: 'list', data: [{ a: 1 }, { b: [1.5, -2e-7] }], model: 'm' }],
    ['a list first and last key', { data: ['x', 'y\u0000"\n'] }],
    ['an empty list', { object: 'list', data: [], usage: { total: 0 } }],
    ['holes and undefined items', { data: [undefined, () => 1, null, 0] }],
    ['no list at all', { object: 'list', data: 'not a list' }],
    ['a value spelling the mark', { data: [1], model: '\u0000switchyard-list\u0000' }],
  ])('writes exactly what JSON.stringify makes: %s', async (_name, body) => {
    const res = await served((r) => sendJsonList(r, body, 'data'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.text).toBe(JSON.stringify(body));
  });

  it('writes a large list in pieces, waiting for the client, never as one string', async () => {
    const data = Array.from({ length: 200 }, (_, index) => ({
      index,
      embedding: Array.from({ length: 3_072 }, (_, i) => Math.sin(index * i)),
    }));
    const body = { object: 'list', data, model: 'm', usage: { prompt_tokens: 1 } };
    const stringify = JSON.stringify;
    let largest = 0;
    JSON.stringify = ((value: unknown, ...rest: []) => {
      const text = stringify(value, ...rest);
      if (value !== body) largest = Math.max(largest, text?.length ?? 0);
      return text;
    }) as typeof JSON.stringify;
    try {
      const res = await served((r) => sendJsonList(r, body, 'data'));
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.headers['content-length']).toBeUndefined();
      expect(res.text).toBe(stringify(body));
    } finally {
      JSON.stringify = stringify;
    }
    // One embedding's JSON at most (~70 KB), not the answer's (~14 MB).
    expect(largest).toBeLessThan(100_000);
  });

  it('stops writing when the client goes away', async () => {
    const data = Array.from({ length: 2_000 }, () => 'x'.repeat(64 * 1024));
    let written = 0;
    let finished!: () => void;
    const done = new Promise<void>((r) => (finished = r));
    server = createServer((_req, res) => {
      const write = res.write.bind(res) as (chunk: string) => boolean;
      res.write = ((chunk: string) => {
        written++;
        return write(chunk);
      }) as typeof res.write;
      void sendJsonList(res, { data }, 'data').then(finished);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const req = get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      res.once('data', () => req.destroy());
    });
    req.on('error', () => undefined);
    await done;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(data.length);
  });
});
