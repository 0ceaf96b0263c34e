import type { Request, Response } from 'express';
import { API_PREFIX } from '@switchyard/core';

/** The cookie the console keeps its refresh token in (login with `refresh_cookie: true`). */
export const REFRESH_COOKIE = 'sy_refresh';
/** Sent only to the refresh endpoint: no other request (and no script) ever sees it. */
export const REFRESH_COOKIE_PATH = `/${API_PREFIX}/auth/refresh`;

/**
 * A hint for the console's script, which cannot see the httpOnly cookie: "a refresh cookie was
 * set", so a first visit without one does not ask the refresh endpoint for nothing. No secret.
 */
export const SESSION_HINT_COOKIE = 'sy_session';

/**
 * Sets the refresh cookie: httpOnly (no script reads it), Secure (browsers accept it on https and
 * on http://localhost or 127.0.0.1), SameSite=Strict (never sent from another site's page), and
 * scoped to the refresh path.
 */
export function setRefreshCookie(res: Response, token: string, maxAgeSeconds: number): void {
  res.cookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
    maxAge: maxAgeSeconds * 1000,
  });
  res.cookie(SESSION_HINT_COOKIE, '1', {
    secure: true,
    sameSite: 'strict',
    path: '/',
    maxAge: maxAgeSeconds * 1000,
  });
}

export function clearRefreshCookie(res: Response): void {
  res.clearCookie(REFRESH_COOKIE, {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
  });
}

/** The refresh token from the request's cookie header, if it carries one. */
export function refreshCookieOf(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === REFRESH_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 && value.length <= 200 ? decodeURIComponent(value) : undefined;
    }
  }
  return undefined;
}
