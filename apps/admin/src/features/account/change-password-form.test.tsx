import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/http';
import { renderUi } from '../../test/render';
import { ChangePasswordForm } from './change-password-form';

const field = (name: RegExp) => screen.getByLabelText(name, { selector: 'input' });

describe('the change password form', () => {
  it('sends the current and the new password', async () => {
    const onSubmit = vi.fn();
    renderUi(<ChangePasswordForm busy={false} error={null} onSubmit={onSubmit} onCancel={() => {}} />);
    await userEvent.type(field(/^Current password/), 'the-old-password');
    await userEvent.type(field(/^New password/), 'a much longer passphrase');
    await userEvent.type(field(/^Repeat the new password/), 'a much longer passphrase');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(onSubmit).toHaveBeenCalledWith({
      current_password: 'the-old-password',
      new_password: 'a much longer passphrase',
    });
  });

  it('checks the length and the repeat before sending', async () => {
    const onSubmit = vi.fn();
    renderUi(<ChangePasswordForm busy={false} error={null} onSubmit={onSubmit} onCancel={() => {}} />);
    await userEvent.type(field(/^Current password/), 'the-old-password');
    await userEvent.type(field(/^New password/), 'short');
    await userEvent.type(field(/^Repeat the new password/), 'shorter');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(onSubmit).not.toHaveBeenCalled();
    // The description and the error both say it.
    expect(screen.getAllByText('At least 12 characters.')).toHaveLength(2);
    expect(screen.getByText('The two new passwords differ.')).toBeTruthy();
  });

  it("shows the API's 400 for a wrong current password at that field", () => {
    const error = new ApiError(
      400,
      'invalid_request_error',
      'invalid_password',
      'current_password',
      'The current password is incorrect.',
    );
    renderUi(<ChangePasswordForm busy={false} error={error} onSubmit={() => {}} onCancel={() => {}} />);
    expect(screen.getByText('The current password is incorrect.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
