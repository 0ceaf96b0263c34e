import { SearchError } from './search.types.js';

/**
 * One JSON request of a search adapter through the outbound policy's `fetch`: a non-2xx status,
 * an abort (the time budget), a refused or broken connection and a body that is not JSON are each
 * a {@link SearchError}; the error never carries the request's credentials.
 */
export async function fetchJson(
  fetchFn: typeof globalThis.fetch,
  provider: string,
  url: string,
  init: RequestInit & { signal: AbortSignal },
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetchFn(url, { ...init, redirect: 'follow' });
  } catch (err) {
    if (init.signal.aborted) throw new SearchError('timeout', `${provider}: the search took too long`);
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new SearchError('network', `${provider}: ${cause}`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new SearchError('status', `${provider} answered ${res.status}`, res.status);
  }
  try {
    return await res.json();
  } catch {
    if (init.signal.aborted) throw new SearchError('timeout', `${provider}: the search took too long`);
    throw new SearchError('bad_response', `${provider} answered something that is not JSON`);
  }
}

export const asList = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    : [];
