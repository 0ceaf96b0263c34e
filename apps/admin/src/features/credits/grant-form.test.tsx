import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/http';
import { renderUi } from '../../test/render';
import { GrantForm } from './grant-form';

async function fill(amount: string) {
  await userEvent.type(screen.getByRole('textbox', { name: /^Amount/ }), amount);
  await userEvent.type(screen.getByRole('textbox', { name: /^Reason/ }), 'welcome');
}

describe('the grant form', () => {
  it('sends one idempotency key for every submit of the same grant (a double click grants once)', async () => {
    let finish!: () => void;
    const onSubmit = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    renderUi(<GrantForm users={[]} busy={false} error={null} onSubmit={onSubmit} />);
    await fill('10');
    const button = screen.getByRole('button', { name: 'Grant credits' });
    await userEvent.dblClick(button);
    expect(onSubmit.mock.calls.length).toBeGreaterThanOrEqual(2);
    const keys = new Set(onSubmit.mock.calls.map((c) => (c as unknown as [unknown, string])[1]));
    expect(keys.size).toBe(1);
    expect((onSubmit.mock.calls[0] as unknown as [unknown])[0]).toEqual({
      amount: '10',
      reason: 'welcome',
      kind: 'grant',
    });
    finish();
  });

  it('uses a new key once a grant went through, and for a changed form', async () => {
    const onSubmit = vi.fn(async () => undefined);
    renderUi(<GrantForm users={[]} busy={false} error={null} onSubmit={onSubmit} />);
    await fill('10');
    await userEvent.click(screen.getByRole('button', { name: 'Grant credits' }));
    await fill('5');
    await userEvent.click(screen.getByRole('button', { name: 'Grant credits' }));
    const [first, second] = onSubmit.mock.calls.map((c) => (c as unknown as [unknown, string])[1]);
    expect(first).not.toBe(second);
  });

  it("shows the API's 400 at the amount", () => {
    const error = new ApiError(400, 'invalid_request_error', undefined, 'amount', 'amount must be positive');
    renderUi(<GrantForm users={[]} busy={false} error={error} onSubmit={async () => undefined} />);
    expect(screen.getByText('amount must be positive')).toBeTruthy();
    expect(screen.getByRole('textbox', { name: /^Amount/ }).getAttribute('aria-invalid')).toBe('true');
  });
});
