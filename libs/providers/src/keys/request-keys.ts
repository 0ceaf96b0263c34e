import type { KeyScope } from './providers.settings.js';

/**
 * Per-provider forms of `X-Provider-Key` (Hyper AI Gateway's headers): each header's key is used
 * only for calls that resolve to its provider. `X-Provider-Key` serves whichever provider the
 * call resolves to; a provider's own header wins over it.
 */
export const PROVIDER_KEY_HEADERS: Readonly<Record<string, string>> = {
  'x-openai-api-key': 'openai',
  'x-anthropic-api-key': 'anthropic',
  'x-google-api-key': 'gemini',
  'x-xai-api-key': 'xai',
  'x-perplexity-api-key': 'perplexity',
  'x-gigachat-auth-key': 'gigachat',
};

/** The provider keys a request's headers carry, by provider id; undefined when there are none. */
export function requestKeysOf(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> | undefined {
  let keys: Record<string, string> | undefined;
  for (const header in PROVIDER_KEY_HEADERS) {
    const value = headers[header];
    if (typeof value === 'string' && value.trim())
      (keys ??= {})[PROVIDER_KEY_HEADERS[header]!] = value.trim();
  }
  return keys;
}

/** The caller's own key for one provider: its own header's, else `X-Provider-Key`'s. */
export function requestKeyFor(scope: KeyScope, providerId: string): string | undefined {
  return scope.requestKeys?.[providerId] ?? scope.requestKey;
}
