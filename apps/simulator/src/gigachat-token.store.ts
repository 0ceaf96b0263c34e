import { randomUUID } from 'node:crypto';

/** GigaChat's default access-token lifetime: 30 minutes. */
export const GIGACHAT_TOKEN_TTL_MS = 30 * 60 * 1000;

/**
 * The access tokens the simulated GigaChat OAuth endpoint issued, each bound to the auth key it
 * was exchanged for. A token unknown, revoked or past its expiry resolves to nothing (a 401).
 */
export class GigaChatTokenStore {
  private readonly tokens = new Map<string, { authKey: string; expiresAt: number }>();
  /** Tokens issued since start (or the last reset), for tests that count exchanges. */
  issued = 0;

  constructor(private readonly ttlMs: number = GIGACHAT_TOKEN_TTL_MS) {}

  issue(authKey: string): { access_token: string; expires_at: number } {
    const token = `sim-gigachat-${randomUUID()}`;
    const expiresAt = Date.now() + this.ttlMs;
    this.tokens.set(token, { authKey, expiresAt });
    this.issued++;
    return { access_token: token, expires_at: expiresAt };
  }

  /** The auth key behind a live token, else null. */
  authKeyOf(token: string | null): string | null {
    const entry = token === null ? undefined : this.tokens.get(token);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      this.tokens.delete(token!);
      return null;
    }
    return entry.authKey;
  }

  /** Forgets every token: the next call with one is a 401 (as after an expiry). */
  revokeAll(): void {
    this.tokens.clear();
  }

  clear(): void {
    this.tokens.clear();
    this.issued = 0;
  }
}
