import { InvalidRequestError } from '@switchyard/core';
import type { IncomingHttpHeaders } from 'node:http';

/** The request header that asks for (or refuses) the response cache, and names the outcome. */
export const CACHE_HEADER = 'x-switchyard-cache';

/** What one request asks of the cache. */
export interface CacheDirectives {
  /** `ttl=<seconds>`: cache this call's answer for that long (0: do not cache it). */
  ttlSeconds?: number;
  /** `no-store` (or `Cache-Control: no-store`): neither read nor write. */
  noStore: boolean;
  /** `no-cache` (or `Cache-Control: no-cache`): do not read, but store the fresh answer. */
  noCache: boolean;
}

const NONE: Readonly<CacheDirectives> = Object.freeze({ noStore: false, noCache: false });

function tokens(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * Reads `x-switchyard-cache` (`ttl=600`, `no-store`, `no-cache`, comma-separated) and the
 * `no-store`/`no-cache` directives of `Cache-Control`. A malformed `x-switchyard-cache` is a
 * 400: a caller who asked for caching should not silently get none.
 */
export function cacheDirectives(headers: IncomingHttpHeaders): Readonly<CacheDirectives> {
  // Most calls send neither header: nothing to split (this runs for every model call, issue 20).
  if (headers['cache-control'] === undefined && headers[CACHE_HEADER] === undefined) return NONE;
  const out: CacheDirectives = { noStore: false, noCache: false };
  for (const token of tokens(headers['cache-control'])) {
    if (token === 'no-store') out.noStore = true;
    else if (token === 'no-cache') out.noCache = true;
  }
  for (const token of tokens(headers[CACHE_HEADER])) {
    const ttl = /^ttl\s*=\s*(\d{1,9})$/.exec(token);
    if (ttl) out.ttlSeconds = Number(ttl[1]);
    else if (token === 'no-store') out.noStore = true;
    else if (token === 'no-cache') out.noCache = true;
    else
      throw new InvalidRequestError(
        `The ${CACHE_HEADER} header takes ttl=<seconds>, no-store or no-cache (comma-separated); got ${JSON.stringify(token.slice(0, 40))}.`,
        { code: 'invalid_cache_header' },
      );
  }
  return out;
}
