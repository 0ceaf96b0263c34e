import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { cacheDirectives } from './cache-directives.js';
import { cacheKey, stableJson } from './cache-key.js';

const body = { model: 'sim-gpt', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2 };

describe('cacheKey', () => {
  it('does not depend on key order or on fields that do not change the answer', () => {
    const sut = cacheKey('t1', 'simulator/sim-gpt', body);
    expect(
      cacheKey('t1', 'simulator/sim-gpt', {
        temperature: 0.2,
        stream: true,
        stream_options: { include_usage: true },
        user: 'u',
        metadata: { a: '1' },
        n: 1,
        seed: null,
        messages: [{ content: 'hi', role: 'user' }],
        model: 'alias',
      }),
    ).toBe(sut);
  });

  it('changes with the tenant, the resolved model and every field that can change the answer', () => {
    const sut = cacheKey('t1', 'simulator/sim-gpt', body);
    const others = [
      cacheKey('t2', 'simulator/sim-gpt', body),
      cacheKey('t1', 'route:fast', body),
      cacheKey('t1', 'simulator/sim-gpt', { ...body, temperature: 0.3 }),
      cacheKey('t1', 'simulator/sim-gpt', { ...body, seed: 1 }),
      cacheKey('t1', 'simulator/sim-gpt', { ...body, response_format: { type: 'json_object' } }),
      cacheKey('t1', 'simulator/sim-gpt', {
        ...body,
        tools: [{ type: 'function', function: { name: 'f' } }],
      }),
      cacheKey('t1', 'simulator/sim-gpt', { ...body, messages: [{ role: 'user', content: 'hi!' }] }),
    ];
    expect(new Set([sut, ...others]).size).toBe(others.length + 1);
  });

  it('writes JSON with sorted keys', () => {
    expect(stableJson({ b: 1, a: [{ d: 2, c: undefined, b: null }] })).toBe('{"a":[{"b":null,"d":2}],"b":1}');
  });

  it("is the SHA-256 of stableJson's text, whatever the body's size and shape (keys stay valid)", () => {
    const big = 'x'.repeat(200_000);
    const bodies: Record<string, unknown>[] = [
      body,
      { messages: [{ role: 'user', content: big }], tools: [{ b: [1, undefined, { z: 'é', a: null }] }] },
      {
        messages: Array.from({ length: 3_000 }, (_, i) => ({
          role: 'user',
          content: `m${i} ${big.slice(0, i)}`,
        })),
      },
      { n: 1, nested: { deep: { deeper: [[big], { k: '\u2028"' }] } } },
    ];
    for (const b of bodies) {
      const request = Object.fromEntries(Object.entries(b).filter(([k]) => k !== 'model'));
      if (request.n === 1) delete request.n;
      const text = stableJson({ v: 1, tenant: 't1', model: 'simulator/sim-gpt', request });
      expect(cacheKey('t1', 'simulator/sim-gpt', b)).toBe(
        createHash('sha256').update(text).digest('base64url'),
      );
    }
  });
});

describe('cacheDirectives', () => {
  it('reads ttl, no-store and no-cache from x-switchyard-cache and Cache-Control', () => {
    expect(cacheDirectives({ 'x-switchyard-cache': 'ttl=600' })).toEqual({
      ttlSeconds: 600,
      noStore: false,
      noCache: false,
    });
    expect(cacheDirectives({ 'x-switchyard-cache': 'TTL=5, no-cache', 'cache-control': 'no-store' })).toEqual(
      {
        ttlSeconds: 5,
        noStore: true,
        noCache: true,
      },
    );
    expect(cacheDirectives({ 'cache-control': 'max-age=0, no-cache' })).toEqual({
      noStore: false,
      noCache: true,
    });
  });

  it('refuses anything else in x-switchyard-cache', () => {
    for (const value of ['forever', 'ttl=-1', 'ttl=abc', 'hit'])
      expect(() => cacheDirectives({ 'x-switchyard-cache': value })).toThrow(/x-switchyard-cache/);
  });
});
