import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidRequestError, OutboundPolicy } from '@switchyard/core';
import { decodeImageDataUrl, safeFetch } from './safe-fetch.js';

describe('safeFetch', () => {
  const options = { maxBytes: 1024, timeoutMs: 2000, param: 'url' };
  const policy = new OutboundPolicy();
  it('refuses a name that resolves to a private address (checked at connect time)', async () => {
    const error = await safeFetch('https://localhost:8443/x.png', policy, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toMatch(/outbound policy/);
    expect((error as InvalidRequestError).param).toBe('url');
  });
  it('refuses literal private addresses and non-https schemes before any connection', async () => {
    for (const url of [
      'https://127.0.0.1/',
      'https://[::1]/',
      'https://[::ffff:7f00:1]/',
      'https://0x7f000001/',
      'http://example.com/',
      'ftp://example.com/',
    ]) {
      await expect(safeFetch(url, policy, options)).rejects.toBeInstanceOf(InvalidRequestError);
    }
  });
  it('fetches from an allow-listed range, but follows no redirect and keeps to maxBytes', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/redirect') res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
      else if (req.url === '/big') res.end(Buffer.alloc(4096));
      else res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('png!'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const local = new OutboundPolicy(['127.0.0.1/32']);
    try {
      expect(await safeFetch(`${base}/ok`, local, options)).toEqual({
        bytes: Buffer.from('png!'),
        type: 'image/png',
      });
      await expect(safeFetch(`${base}/redirect`, local, options)).rejects.toThrow(
        /redirects are not followed/,
      );
      await expect(safeFetch(`${base}/big`, local, options)).rejects.toThrow(/larger than 1024 bytes/);
      // The same server without the allow-list entry: refused.
      await expect(safeFetch(`${base}/ok`, policy, options)).rejects.toThrow(/outbound policy/);
    } finally {
      await local.close();
      server.close();
    }
  });
});

describe('decodeImageDataUrl', () => {
  it('accepts a real PNG and refuses other data', () => {
    const png =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    expect(decodeImageDataUrl(png, 'p').type).toBe('image/png');
    expect(() => decodeImageDataUrl('data:text/plain;base64,aGk=', 'p')).toThrow(InvalidRequestError);
    expect(() => decodeImageDataUrl('data:image/png;base64,aGk=', 'p')).toThrow(InvalidRequestError);
  });
});
