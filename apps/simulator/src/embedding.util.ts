import { createHash } from 'node:crypto';

/** OpenAI's text-embedding-3-small width; callers can ask for another with `dimensions`. */
export const DEFAULT_OPENAI_DIMENSIONS = 1536;
/** Gemini text-embedding-004 width. */
export const DEFAULT_GEMINI_DIMENSIONS = 768;
export const MAX_DIMENSIONS = 8192;

/**
 * A deterministic unit-length vector for a text: sha256(text) seeds a xoshiro128** generator whose
 * outputs, mapped to [-1, 1), are normalised. Values are float32, so the JSON floats and the base64
 * encoding describe exactly the same vector.
 */
export function embedText(text: string, dimensions: number): Float32Array {
  const seed = createHash('sha256').update(text).digest();
  let a = seed.readUInt32LE(0) | 1;
  let b = seed.readUInt32LE(4);
  let c = seed.readUInt32LE(8);
  let d = seed.readUInt32LE(12);
  const raw = new Float64Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    const value = result / 2 ** 31 - 1;
    raw[i] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const out = new Float32Array(dimensions);
  raw.forEach((value, i) => (out[i] = value * scale));
  return out;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** OpenAI's base64 embedding encoding: little-endian float32 bytes. */
export function float32Base64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}
