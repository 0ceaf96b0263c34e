import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderUi } from '../../test/render';
import { SignInPage } from './sign-in-page';

afterEach(() => vi.unstubAllGlobals());

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => Response.json(body, { status, headers })),
  );
}

async function signIn() {
  renderUi(<SignInPage />);
  await userEvent.type(screen.getByRole('textbox', { name: 'Email' }), 'ada@example.com');
  await userEvent.type(screen.getByLabelText(/^Password/), 'wrong-password');
  await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('sign-in', () => {
  it('asks for the refresh cookie and keeps no token in storage', async () => {
    const fetch = vi.fn(async () =>
      Response.json({ access_token: 'a', token_type: 'bearer', expires_in: 900 }),
    );
    vi.stubGlobal('fetch', fetch);
    await signIn();
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(JSON.parse(init.body as string)).toMatchObject({ email: 'ada@example.com', refresh_cookie: true });
    expect(localStorage.length + sessionStorage.length).toBe(0);
  });

  it('says so for a wrong password', async () => {
    answer(401, {
      error: {
        message: 'Incorrect email or password.',
        type: 'authentication_error',
        code: 'invalid_credentials',
      },
    });
    await signIn();
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'Incorrect email or password.');
  });

  it('says the account is locked, and for how long, after too many failures', async () => {
    answer(
      429,
      { error: { message: 'Too many failed logins', type: 'rate_limit_error', code: 'rate_limit_exceeded' } },
      { 'retry-after': '600' },
    );
    await signIn();
    expect((await screen.findByRole('alert')).textContent).toMatch(/locked for now\. Try again in 10 min/);
  });

  it('says the account is disabled', async () => {
    answer(401, {
      error: { message: 'This account is disabled.', type: 'authentication_error', code: 'account_disabled' },
    });
    await signIn();
    expect((await screen.findByRole('alert')).textContent).toMatch(/disabled\. Ask an administrator/);
  });
});
