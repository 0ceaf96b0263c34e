import { describe, expect, it } from '@jest/globals';
import { InvalidRequestError } from '@switchyard/core';
import { allowListed, decodeImageDataUrl, isPrivateAddress, safeFetch } from './safe-fetch.js';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    'not an ip',
  ])('%s is private', (a) => expect(isPrivateAddress(a)).toBe(true));
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (a) =>
    expect(isPrivateAddress(a)).toBe(false),
  );
});

describe('allowListed', () => {
  it('matches exact hosts and *.suffix entries', () => {
    expect(allowListed('images.internal', ['images.internal'])).toBe(true);
    expect(allowListed('a.corp.example', ['*.corp.example'])).toBe(true);
    expect(allowListed('corp.example', ['*.corp.example'])).toBe(false);
    expect(allowListed('evilcorp.example', ['*.corp.example'])).toBe(false);
  });
});

describe('safeFetch', () => {
  const options = { allowlist: [], maxBytes: 1024, timeoutMs: 2000, param: 'url' };
  it('refuses a name that resolves to a private address (checked at connect time)', async () => {
    const error = await safeFetch('https://localhost:1/x.png', options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toMatch(/private address/);
  });
  it('refuses literal private addresses and non-https schemes before any connection', async () => {
    for (const url of ['https://127.0.0.1/', 'https://[::1]/', 'http://example.com/', 'ftp://example.com/']) {
      await expect(safeFetch(url, options)).rejects.toBeInstanceOf(InvalidRequestError);
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
