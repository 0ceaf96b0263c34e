import { createHash, randomUUID } from 'node:crypto';
import { SingleFlight, type OutboundPolicy } from '@switchyard/core';
import { LRUCache } from 'lru-cache';
import type { CallScope } from '../shared/call-scope.js';
import { gigachatResponseError } from './gigachat.errors.js';
import type { GigaChatToken } from './gigachat.types.js';
import { cappedText } from '../shared/capped-read.js';

/** Sber's token endpoint, for the public GigaChat API host. */
export const GIGACHAT_TOKEN_URL = 'https://ngw.devices.sberbank.ru:9443/api/v2/oauth';
/** The API scope of personal (individual) projects. */
export const GIGACHAT_SCOPE = 'GIGACHAT_API_PERS';
const PUBLIC_API_HOST = 'gigachat.devices.sberbank.ru';
/** A token is renewed this long before it expires (at most a quarter of its lifetime). */
const REFRESH_EARLY_MS = 60_000;
/** GigaChat's tokens live 30 minutes; assumed when an answer has no `expires_at`. */
const DEFAULT_LIFETIME_MS = 30 * 60_000;
const MAX_TOKENS = 1024;

/**
 * Where a provider's access tokens come from: `authBaseUrl` + `/oauth` when the operator set one
 * (`<ID>_AUTH_BASE_URL`), Sber's endpoint for the public API host, else the API's own origin +
 * `/api/v2/oauth` (the simulator, or a proxy that serves both).
 */
export function gigachatTokenUrl(baseUrl: string, authBaseUrl?: string): string {
  if (authBaseUrl) return `${authBaseUrl.replace(/\/+$/, '').replace(/\/oauth$/, '')}/oauth`;
  const url = new URL(baseUrl);
  return url.hostname === PUBLIC_API_HOST ? GIGACHAT_TOKEN_URL : `${url.origin}/api/v2/oauth`;
}

interface CachedToken {
  token: string;
  refreshAt: number;
}

/** Settles with the promise, or rejects as soon as the signal aborts (the promise runs on). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * GigaChat access tokens by token URL and auth key (hashed), kept until shortly before they
 * expire, least recently used evicted. Concurrent calls with the same key share one exchange;
 * a caller that gives up (abort, deadline) leaves it running for the others.
 */
export class GigaChatTokens {
  private readonly cache = new LRUCache<string, CachedToken>({ max: MAX_TOKENS });
  private readonly pending = new SingleFlight<string, CachedToken>();

  constructor(
    private readonly outbound: OutboundPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  private static id(tokenUrl: string, authKey: string, provider: string): string {
    return createHash('sha256').update(`${provider}\n${tokenUrl}\n${authKey}`).digest('base64url');
  }

  /** A live access token for the auth key: the cached one, or a fresh exchange. */
  async token(tokenUrl: string, authKey: string, scope: CallScope): Promise<string> {
    const id = GigaChatTokens.id(tokenUrl, authKey, scope.provider);
    const cached = this.cache.get(id);
    if (cached && cached.refreshAt > this.now()) return cached.token;
    const exchange = this.pending.run(id, async () => {
      const entry = await this.exchange(tokenUrl, authKey, scope.provider, scope.timeoutMs);
      this.cache.set(id, entry);
      return entry;
    });
    return (await abortable(exchange, scope.signal)).token;
  }

  /** Drops a token the API refused (401), unless a newer one already replaced it. */
  invalidate(tokenUrl: string, authKey: string, provider: string, token: string): void {
    const id = GigaChatTokens.id(tokenUrl, authKey, provider);
    if (this.cache.get(id)?.token === token) this.cache.delete(id);
  }

  private async exchange(
    tokenUrl: string,
    authKey: string,
    provider: string,
    timeoutMs: number,
  ): Promise<CachedToken> {
    const started = this.now();
    const response = await this.outbound.fetch(tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${authKey}`,
        rquid: randomUUID(),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ scope: GIGACHAT_SCOPE }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw await gigachatResponseError(response, provider, [authKey]);
    const body = JSON.parse(await cappedText(response)) as GigaChatToken;
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new SyntaxError('the token answer has no access_token');
    }
    const expiresAt = typeof body.expires_at === 'number' ? body.expires_at : started + DEFAULT_LIFETIME_MS;
    const early = Math.min(REFRESH_EARLY_MS, Math.max(0, (expiresAt - started) / 4));
    return { token: body.access_token, refreshAt: expiresAt - early };
  }
}
