/** The Swagger tag of every alias of the source systems' endpoints (docs/compat.md). */
export const COMPAT_TAG = 'compat';

/** The caller's own provider key, as /v1 reads it (call-context.ts). */
export function requestKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers['x-provider-key'];
  return typeof value === 'string' && value ? value : undefined;
}
