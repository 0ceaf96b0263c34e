import { REQUEST_KEY_ID, type ProviderCredentials } from '@switchyard/providers';

/**
 * The keys a call tries, in order: the request's own key (X-Provider-Key) first, then the
 * candidates (the vault's pools, then the environment's key) whose health id is not blocked. A
 * secret listed twice (the same key in two pools, or in the vault and the environment) is tried
 * once, at its first place. `ids[i]` is `candidates[i]`'s health id.
 *
 * Runs for every model call (issue 20): a pool of a few keys (nearly every call) checks its
 * secrets against the short result list, a larger one in a set.
 */
export function orderKeys(
  fromEnv: readonly ProviderCredentials[],
  candidates: readonly ProviderCredentials[],
  ids: readonly string[],
  blocked: ReadonlySet<string>,
): ProviderCredentials[] {
  const out: ProviderCredentials[] = [];
  const seen = candidates.length > SMALL_POOL ? new Set<string>() : undefined;
  const add = (c: ProviderCredentials): void => {
    if (seen ? seen.has(c.apiKey) : out.some((o) => o.apiKey === c.apiKey)) return;
    seen?.add(c.apiKey);
    out.push(c);
  };
  for (const c of fromEnv) if (c.keyId === REQUEST_KEY_ID) add(c);
  for (let i = 0; i < candidates.length; i++) if (!blocked.has(ids[i]!)) add(candidates[i]!);
  return out;
}

/** Up to this many candidates, duplicates are found in the result list rather than a set. */
export const SMALL_POOL = 8;
