import { useMutation, useQuery } from '@tanstack/react-query';
import { ApiError, api, data } from '../http';
import { clearSession, setAccessToken } from '../session';
import type { Schema } from '../types';

export type Me = Schema<'MeView'>;
export type Role = Me['user']['role'];

export const authKeys = { me: ['auth', 'me'] as const };

/**
 * Signs in with a password. The refresh token is set as an httpOnly cookie by the API
 * (`refresh_cookie: true`), so it never reaches this code.
 */
export async function signIn(email: string, password: string): Promise<void> {
  const res = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, refresh_cookie: true }),
    credentials: 'same-origin',
  });
  if (!res.ok) throw await ApiError.from(res);
  const body = (await res.json()) as Schema<'TokenPairView'>;
  setAccessToken(body.access_token, body.expires_in);
}

/** Ends this login (the refresh cookie's session), or every session of this user. */
export async function signOut(everywhere: boolean): Promise<void> {
  try {
    if (everywhere) await api.POST('/api/v1/auth/logout', { body: { all: true } });
    await fetch('/api/v1/auth/refresh', { method: 'DELETE', credentials: 'same-origin' });
  } finally {
    clearSession('signed_out');
  }
}

export function useMe(enabled = true) {
  return useQuery({
    queryKey: authKeys.me,
    queryFn: async () => data(await api.GET('/api/v1/auth/me')),
    enabled,
    staleTime: 60_000,
  });
}

export function isAdmin(role: Role | undefined): boolean {
  return role === 'platform_admin' || role === 'tenant_admin';
}

export type ChangePassword = Schema<'ChangePasswordDto'>;

/**
 * Changes the signed-in user's password. The API ends every session, this one too, so the console
 * signs in again with the new password at once (a fresh refresh cookie); other tabs and devices
 * are signed out.
 */
export function useChangePassword() {
  return useMutation({
    mutationFn: async ({ email, ...body }: ChangePassword & { email: string }) => {
      await api.POST('/api/v1/auth/password', { body });
      await signIn(email, body.new_password);
    },
  });
}
