import { describe, expect, it } from '@jest/globals';
import { InvalidRequestError } from '@switchyard/core';
import { checkHeaders, maskHeaders } from './default-headers.js';

function refusal(raw: Record<string, unknown>): InvalidRequestError {
  try {
    checkHeaders(raw);
  } catch (err) {
    if (err instanceof InvalidRequestError) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('default headers', () => {
  it('masks secret-looking values and shows the rest', () => {
    expect(
      maskHeaders({
        'X-Org': 'research',
        'X-Api-Key': 'abcdef0123456789wxyz',
        Authorization: 'Basic dXNlcjpwYXNzd29yZA==',
        'X-Custom': 'Bearer abcdef0123456789',
        'X-Token': 'short',
      }),
    ).toEqual({
      'X-Org': 'research',
      'X-Api-Key': '…wxyz',
      Authorization: '…ZA==',
      'X-Custom': '…6789',
      'X-Token': '…',
    });
  });

  it('keeps a stored secret when the masked form comes back, and takes a new one', () => {
    const stored = { 'X-Api-Key': 'abcdef0123456789wxyz', 'X-Org': 'research' };
    expect(checkHeaders({ 'x-api-key': '…wxyz', 'X-Org': 'ops' }, stored)).toEqual({
      'x-api-key': 'abcdef0123456789wxyz',
      'X-Org': 'ops',
    });
    expect(checkHeaders({ 'X-Api-Key': 'new-secret-value-1234' }, stored)).toEqual({
      'X-Api-Key': 'new-secret-value-1234',
    });
  });

  it.each([
    [{ 'bad name': 'x' }, 'default_headers.bad name', /not a valid header name/],
    [{ Host: 'evil.example.com' }, 'default_headers.Host', /sets Host itself/],
    [{ 'Content-Length': '1' }, 'default_headers.Content-Length', /itself/],
    [{ 'X-A': 'line\r\nInjected: 1' }, 'default_headers.X-A', /printable ASCII/],
    [{ 'X-A': 5 }, 'default_headers.X-A', /must be a string/],
    [{ 'X-A': '1', 'x-a': '2' }, 'default_headers.x-a', /given twice/],
  ] as const)('refuses %j naming %s', (raw, param, message) => {
    const err = refusal(raw);
    expect(err.param).toBe(param);
    expect(err.message).toMatch(message);
  });

  it('refuses more than 32', () => {
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`X-H${i}`, 'v']));
    expect(refusal(many).param).toBe('default_headers');
  });
});
