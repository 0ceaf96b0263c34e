/**
 * The signed-in session: the access token lives only in this module's memory; the refresh token
 * is an httpOnly cookie the browser sends to /api/v1/auth/refresh and nowhere else. Nothing is
 * kept in localStorage or sessionStorage.
 */
type Listener = (signedIn: boolean) => void;

let accessToken: string | undefined;
let expiresAt = 0;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let inflight: Promise<boolean> | undefined;
const listeners = new Set<Listener>();

/** Why the last session ended, for the sign-in screen. */
export type EndReason = 'signed_out' | 'expired' | undefined;
let endReason: EndReason;

export function getAccessToken(): string | undefined {
  return accessToken;
}

export function lastEndReason(): EndReason {
  return endReason;
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Stores a fresh access token and schedules the silent refresh a minute before it expires. */
export function setAccessToken(token: string, expiresInSeconds: number): void {
  const wasSignedIn = accessToken !== undefined;
  accessToken = token;
  expiresAt = Date.now() + expiresInSeconds * 1000;
  endReason = undefined;
  clearTimeout(refreshTimer);
  const delay = Math.max(5_000, (expiresInSeconds - 60) * 1000);
  refreshTimer = setTimeout(() => void refreshSession(), delay);
  if (!wasSignedIn) listeners.forEach((l) => l(true));
}

export function clearSession(reason: EndReason): void {
  const wasSignedIn = accessToken !== undefined;
  accessToken = undefined;
  expiresAt = 0;
  endReason = reason;
  clearTimeout(refreshTimer);
  if (wasSignedIn) listeners.forEach((l) => l(false));
}

/** Whether the API left its session hint cookie (the refresh cookie itself is invisible here). */
export function mayHaveSession(): boolean {
  return document.cookie.split(';').some((c) => c.trim() === 'sy_session=1');
}

export function accessTokenExpired(): boolean {
  return !accessToken || Date.now() >= expiresAt - 5_000;
}

interface TokenAnswer {
  access_token: string;
  expires_in: number;
}

async function postRefresh(): Promise<boolean> {
  const res = await fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    credentials: 'same-origin',
  });
  if (!res.ok) return false;
  const body = (await res.json()) as TokenAnswer;
  setAccessToken(body.access_token, body.expires_in);
  return true;
}

/**
 * Exchanges the refresh cookie for a new access token (the cookie rotates). One refresh at a time
 * in this tab, and, where the browser has Web Locks, across tabs: two tabs presenting the same
 * refresh token would look like token theft and end the login.
 */
export function refreshSession(): Promise<boolean> {
  inflight ??= (async () => {
    const hadSession = accessToken !== undefined;
    try {
      const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
      const ok = locks ? await locks.request('switchyard-refresh', postRefresh) : await postRefresh();
      if (!ok) clearSession(hadSession ? 'expired' : undefined);
      return ok;
    } catch {
      return false;
    } finally {
      inflight = undefined;
    }
  })();
  return inflight;
}
