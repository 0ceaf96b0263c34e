import { randomBytes } from 'node:crypto';

/** A random id body in OpenAI's style (alphanumeric). */
export function randomId(length = 24): string {
  return randomBytes(length).toString('base64url').replace(/[-_]/g, '').slice(0, length).padEnd(length, '0');
}

/** Unix seconds, OpenAI's `created`. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
