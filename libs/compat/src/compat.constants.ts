import { requestKeysOf } from '@switchyard/providers';

/** The Swagger tag of every alias of the source systems' endpoints (docs/compat.md). */
export const COMPAT_TAG = 'compat';

/** The caller's own provider keys, as /v1 reads them (libs/chat's call-context.ts). */
export function requestKeyOf(headers: Record<string, string | string[] | undefined>): {
  requestKey?: string;
  requestKeys?: Record<string, string>;
} {
  const value = headers['x-provider-key'];
  return {
    requestKey: typeof value === 'string' && value ? value : undefined,
    requestKeys: requestKeysOf(headers),
  };
}
