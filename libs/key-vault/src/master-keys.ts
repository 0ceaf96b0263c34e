import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '@switchyard/core';
import { VaultCipher } from './vault-cipher.js';

/** Where the embedded demo keeps its generated master key. */
export const VAULT_KEY_FILE = 'vault.key';

export interface MasterKeys {
  current: Buffer;
  previous: Buffer[];
  /** Where the current key came from, for the boot log. */
  source: 'environment' | 'file' | 'generated';
}

function readKeyFile(path: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32)
    throw new Error(`${path} does not hold a 32-byte base64 key; restore it or remove it`);
  return key;
}

/**
 * The vault's master keys: VAULT_MASTER_KEY, else (never in production: config refuses that) the
 * key generated once into `<DATA_DIR>/vault.key`. A key file that exists is always accepted for
 * decryption too, so moving from the demo's generated key to an explicit one is a rotation like
 * any other.
 */
export function resolveMasterKeys(config: AppConfig, warn: (message: string) => void): MasterKeys {
  const path = join(config.dataDir, VAULT_KEY_FILE);
  const fileKey = readKeyFile(path);
  const previous = [...config.vault.previousKeys];
  if (config.vault.masterKey) {
    if (fileKey && !fileKey.equals(config.vault.masterKey)) previous.push(fileKey);
    return { current: config.vault.masterKey, previous, source: 'environment' };
  }
  if (config.env === 'production') throw new Error('VAULT_MASTER_KEY must be set in production');
  if (fileKey) return { current: fileKey, previous, source: 'file' };
  const generated = randomBytes(32);
  mkdirSync(config.dataDir, { recursive: true });
  // 'wx': two processes starting at once must not overwrite each other's key.
  try {
    writeFileSync(path, `${generated.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return resolveMasterKeys(config, warn);
    throw err;
  }
  warn(
    `VAULT_MASTER_KEY is not set: generated one into ${path}. Provider keys are encrypted under it; ` +
      'back it up with the database, and set VAULT_MASTER_KEY for production.',
  );
  return { current: generated, previous, source: 'generated' };
}

export function cipherFor(keys: MasterKeys): VaultCipher {
  return new VaultCipher(keys.current, keys.previous);
}
