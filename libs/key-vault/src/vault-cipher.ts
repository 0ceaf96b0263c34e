import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A ciphertext that cannot be opened: unknown master key, or altered. Never carries key material. */
export class VaultDecryptError extends Error {
  constructor(
    message: string,
    readonly keyVersion: string | undefined,
  ) {
    super(message);
    this.name = 'VaultDecryptError';
  }
}

interface MasterKey {
  /** The key version written into every ciphertext: a fingerprint of the master key, not the key. */
  kid: string;
  encryption: Buffer;
  fingerprint: Buffer;
}

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `switchyard:vault:${info}`, 32));
}

/** The key version of a master key: stable, short, and useless to an attacker. */
export function keyVersionOf(master: Buffer): string {
  return createHash('sha256').update('switchyard:vault:kid:').update(master).digest('hex').slice(0, 12);
}

function masterKey(master: Buffer): MasterKey {
  if (master.length !== 32) throw new Error('a vault master key must be 32 bytes');
  return {
    kid: keyVersionOf(master),
    encryption: derive(master, 'aes-256-gcm'),
    fingerprint: derive(master, 'fingerprint'),
  };
}

/**
 * AES-256-GCM for provider keys. A ciphertext is `v1:<key version>:<base64url(iv | ciphertext |
 * tag)>`; the key version names the master key it was sealed under, so after a rotation the
 * previous keys still open old rows until `vault:rotate` has rewritten them. Every ciphertext is
 * bound to its row (additional authenticated data), so one row's ciphertext cannot be pasted
 * into another's.
 */
export class VaultCipher {
  private readonly current: MasterKey;
  private readonly byKid = new Map<string, MasterKey>();

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    this.current = masterKey(current);
    for (const key of [this.current, ...previous.map(masterKey)]) {
      if (!this.byKid.has(key.kid)) this.byKid.set(key.kid, key);
    }
  }

  /** The key version new ciphertexts are written under. */
  get currentVersion(): string {
    return this.current.kid;
  }

  /** Every key version this cipher can open, the current one first. */
  get versions(): string[] {
    return [...this.byKid.keys()];
  }

  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.encryption, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    return `${FORMAT}:${this.current.kid}:${sealed}`;
  }

  decrypt(ciphertext: string, aad: string): string {
    const [format, kid, sealed] = ciphertext.split(':');
    if (format !== FORMAT || !kid || !sealed)
      throw new VaultDecryptError('not a vault ciphertext', undefined);
    const key = this.byKid.get(kid);
    if (!key) {
      throw new VaultDecryptError(
        `sealed under master key version ${kid}, which is neither VAULT_MASTER_KEY nor in VAULT_PREVIOUS_KEYS`,
        kid,
      );
    }
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new VaultDecryptError('truncated ciphertext', kid);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.encryption, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new VaultDecryptError(
        'the ciphertext does not authenticate (altered, or moved from another row)',
        kid,
      );
    }
  }

  /** The key version a ciphertext was written under. */
  versionOf(ciphertext: string): string | undefined {
    return ciphertext.split(':')[1];
  }

  /**
   * A keyed hash of a secret under the current master key: finds duplicates without decrypting
   * every row, and reveals nothing of the key to whoever reads the table.
   */
  fingerprint(secret: string): string {
    return this.fingerprintWith(this.current, secret);
  }

  /** The fingerprints of a secret under every known master key (rows not yet rotated carry older ones). */
  fingerprints(secret: string): string[] {
    return [...this.byKid.values()].map((k) => this.fingerprintWith(k, secret));
  }

  private fingerprintWith(key: MasterKey, secret: string): string {
    return createHmac('sha256', key.fingerprint).update(secret.trim(), 'utf8').digest('base64url');
  }
}
