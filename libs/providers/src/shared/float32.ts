/** OpenAI's `encoding_format: "base64"`: the vector as little-endian float32 bytes, base64-encoded. */
export function float32Base64(values: readonly number[]): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}
