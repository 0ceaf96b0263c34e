import { createHash, createHmac, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Encodes bytes in base62 (a big-endian integer), so secrets are copy-paste and URL safe. */
export function base62(bytes: Buffer): string {
  let n = BigInt(`0x${bytes.toString('hex') || '0'}`);
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out.padStart(Math.ceil((bytes.length * 8) / Math.log2(62)), '0');
}

/** A fresh random secret: 32 random bytes in base62 (43 characters). */
export function randomSecret(bytes = 32): string {
  return base62(randomBytes(bytes));
}

/**
 * Switchyard API keys: `sk-sy-`, 43 random base62 characters (256 bits), then an 8-character tag
 * that authenticates the random part under the deployment's signing secret. The tag lets the
 * gateway refuse a key it never issued without looking it up (decision 0006).
 */
export const API_KEY_PREFIX = 'sk-sy-';
export const API_KEY_RANDOM_CHARS = 43;
export const API_KEY_TAG_CHARS = 8;
export const API_KEY_LENGTH = API_KEY_PREFIX.length + API_KEY_RANDOM_CHARS + API_KEY_TAG_CHARS;
const API_KEY_FORMAT = new RegExp(
  `^${API_KEY_PREFIX}[0-9A-Za-z]{${API_KEY_RANDOM_CHARS + API_KEY_TAG_CHARS}}$`,
);
const TAG_MODULUS = 62n ** BigInt(API_KEY_TAG_CHARS);

/**
 * The tag of a key's random part: HMAC-SHA256 under the signing secret, its first 64 bits
 * reduced to 8 base62 digits (about 47.6 bits: a forged tag passes once in ~2 * 10^14 tries).
 */
export function apiKeyTag(signingKey: KeyObject, random: string): string {
  let n = createHmac('sha256', signingKey).update(random).digest().readBigUInt64BE(0) % TAG_MODULUS;
  let out = '';
  for (let i = 0; i < API_KEY_TAG_CHARS; i++) {
    out = BASE62[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out;
}

/** A new API key secret, tagged under `signingKey`. */
export function newApiKey(signingKey: KeyObject): string {
  const random = randomSecret(32);
  return `${API_KEY_PREFIX}${random}${apiKeyTag(signingKey, random)}`;
}

/**
 * True when `presented` has the API key format and its tag matches its random part under
 * `signingKey`. Computes and compares in constant time; reads nothing but its arguments.
 */
export function hasValidApiKeyTag(signingKey: KeyObject, presented: string): boolean {
  if (presented.length !== API_KEY_LENGTH || !API_KEY_FORMAT.test(presented)) return false;
  const tagStart = API_KEY_PREFIX.length + API_KEY_RANDOM_CHARS;
  const expected = Buffer.from(apiKeyTag(signingKey, presented.slice(API_KEY_PREFIX.length, tagStart)));
  // The format check makes both exactly API_KEY_TAG_CHARS ASCII bytes.
  return timingSafeEqual(expected, Buffer.from(presented.slice(tagStart)));
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
// `Algorithm` is a const enum (erased at build); 2 is Argon2id.
const ARGON2 = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  // Without a stored hash, still spend the time so a missing account is not faster than a wrong password.
  if (!stored) {
    await hash(password, ARGON2);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
