import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { VaultCipher, VaultDecryptError, keyVersionOf } from './vault-cipher.js';

const SECRET = 'sk-proj-0123456789abcdefghijklmnopqrstuvwxyz';

describe('VaultCipher', () => {
  const master = randomBytes(32);

  it('round-trips, with a fresh IV each time and the key version in front', () => {
    const sut = new VaultCipher(master);
    const a = sut.encrypt(SECRET, 'row-1');
    const b = sut.encrypt(SECRET, 'row-1');
    expect(a).not.toBe(b);
    expect(a.startsWith(`v1:${keyVersionOf(master)}:`)).toBe(true);
    expect(a).not.toContain(SECRET);
    expect(Buffer.from(a.split(':')[2]!, 'base64url').toString('latin1')).not.toContain('sk-proj');
    expect(sut.decrypt(a, 'row-1')).toBe(SECRET);
  });

  it('binds a ciphertext to its row', () => {
    const sut = new VaultCipher(master);
    const sealed = sut.encrypt(SECRET, 'row-1');
    expect(() => sut.decrypt(sealed, 'row-2')).toThrow(VaultDecryptError);
  });

  it('refuses an altered ciphertext', () => {
    const sut = new VaultCipher(master);
    const [v, kid, body] = sut.encrypt(SECRET, 'row-1').split(':');
    const bytes = Buffer.from(body!, 'base64url');
    bytes[bytes.length - 20]! ^= 1;
    expect(() => sut.decrypt(`${v}:${kid}:${bytes.toString('base64url')}`, 'row-1')).toThrow(/authenticate/);
  });

  it('opens ciphertexts of previous master keys, and names an unknown one', () => {
    const old = new VaultCipher(master);
    const sealed = old.encrypt(SECRET, 'row-1');
    const next = randomBytes(32);
    const rotated = new VaultCipher(next, [master]);
    expect(rotated.decrypt(sealed, 'row-1')).toBe(SECRET);
    expect(rotated.currentVersion).toBe(keyVersionOf(next));
    expect(rotated.versions).toEqual([keyVersionOf(next), keyVersionOf(master)]);
    const stranger = new VaultCipher(next);
    expect(() => stranger.decrypt(sealed, 'row-1')).toThrow(new RegExp(keyVersionOf(master)));
  });

  it('fingerprints a secret per master key, without revealing it', () => {
    const sut = new VaultCipher(master, [randomBytes(32)]);
    expect(sut.fingerprint(SECRET)).toBe(sut.fingerprint(` ${SECRET} `));
    expect(sut.fingerprints(SECRET)).toHaveLength(2);
    expect(sut.fingerprints(SECRET)[0]).toBe(sut.fingerprint(SECRET));
    expect(sut.fingerprint(SECRET)).not.toContain(SECRET.slice(-8));
    expect(new VaultCipher(randomBytes(32)).fingerprint(SECRET)).not.toBe(sut.fingerprint(SECRET));
  });
});
