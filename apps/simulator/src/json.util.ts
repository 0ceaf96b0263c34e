/** Narrowing helpers for request bodies, which arrive as untyped JSON. */
export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): JsonObject {
  return isRecord(value) ? value : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A finite number, or null; numeric strings count (multipart fields arrive as strings). */
export function asNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}

/** A stop parameter (string or list of strings) as a list. */
export function asStringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return asArray(value).filter((s): s is string => typeof s === 'string');
}
