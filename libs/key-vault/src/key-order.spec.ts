import { describe, expect, it } from '@jest/globals';
import { REQUEST_KEY_ID, type ProviderCredentials } from '@switchyard/providers';
import { orderKeys, SMALL_POOL } from './key-order.js';

const key = (keyId: string, apiKey = `sk-${keyId}`): ProviderCredentials => ({
  keyId,
  apiKey,
  baseUrl: 'https://upstream.example/v1',
});

const ids = (cs: ProviderCredentials[]): string[] => cs.map((c) => `p:${c.keyId}`);

describe('orderKeys (the keys a call tries)', () => {
  it('puts the request key first, skips blocked keys, keeps the rest in order', () => {
    const request = key(REQUEST_KEY_ID, 'sk-callers-own');
    const env = key('env');
    const vault = [key('a'), key('b'), key('c')];
    const candidates = [...vault, env];
    const out = orderKeys([env, request], candidates, ids(candidates), new Set(['p:b']));
    expect(out.map((c) => c.keyId)).toEqual([REQUEST_KEY_ID, 'a', 'c', 'env']);
  });

  // Both ways of finding duplicates: the list (a few keys) and the set (a larger pool).
  for (const size of [3, SMALL_POOL + 5]) {
    it(`tries a secret listed twice once, at its first place (${size} candidates)`, () => {
      const vault = Array.from({ length: size }, (_, i) => key(`k${i}`));
      // The same secret in a second pool, and the environment's key equal to a vault key.
      const again = key('k1-tenant-pool', vault[1]!.apiKey);
      const env = key('env', vault[0]!.apiKey);
      const candidates = [...vault, again, env];
      const out = orderKeys([env], candidates, ids(candidates), new Set());
      expect(out.map((c) => c.keyId)).toEqual(vault.map((c) => c.keyId));
    });

    it(`keeps a duplicate whose first listing is blocked (${size} candidates)`, () => {
      const vault = Array.from({ length: size }, (_, i) => key(`k${i}`));
      const again = key('k0-other-pool', vault[0]!.apiKey);
      const candidates = [...vault, again];
      const out = orderKeys([], candidates, ids(candidates), new Set(['p:k0']));
      expect(out.map((c) => c.keyId)).toEqual([...vault.slice(1).map((c) => c.keyId), 'k0-other-pool']);
    });

    it(`does not try the request key again when a pool holds the same secret (${size} candidates)`, () => {
      const vault = Array.from({ length: size }, (_, i) => key(`k${i}`));
      const request = key(REQUEST_KEY_ID, vault[2]!.apiKey);
      const out = orderKeys([request], vault, ids(vault), new Set());
      expect(out.map((c) => c.keyId)).toEqual([
        REQUEST_KEY_ID,
        ...vault.filter((_, i) => i !== 2).map((c) => c.keyId),
      ]);
    });
  }
});
