import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderUi } from '../../test/render';
import { TransferForm } from './transfer-form';

describe('the transfer form', () => {
  it('needs a user, and sends one idempotency key for a double click', async () => {
    const onSubmit = vi.fn(() => new Promise<void>(() => undefined));
    renderUi(
      <TransferForm
        users={[{ value: 'u1', label: 'ada@example.com' }]}
        busy={false}
        error={null}
        onSubmit={onSubmit}
      />,
    );
    const button = screen.getByRole('button', { name: 'Transfer from pool' });
    await userEvent.type(screen.getByRole('textbox', { name: /^Amount/ }), '3');
    await userEvent.type(screen.getByRole('textbox', { name: /^Reason/ }), 'project budget');
    expect(button.hasAttribute('disabled')).toBe(true);
    await userEvent.click(screen.getByLabelText(/^To user/, { selector: 'input' }));
    await userEvent.click(await screen.findByRole('option', { name: 'ada@example.com', hidden: true }));
    await userEvent.dblClick(button);
    const calls = onSubmit.mock.calls as unknown as Array<[unknown, string]>;
    expect(calls[0]![0]).toEqual({ user_id: 'u1', amount: '3', reason: 'project budget' });
    expect(new Set(calls.map((c) => c[1])).size).toBe(1);
  });
});
