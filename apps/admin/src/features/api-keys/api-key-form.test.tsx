import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/http';
import { renderUi } from '../../test/render';
import { ApiKeyForm, initialValues, toBody, type ApiKeyFormValues } from './api-key-form';

describe('the API key form', () => {
  it('sends what was filled in, leaving empty limits out on create', async () => {
    const onSubmit = vi.fn();
    renderUi(
      <ApiKeyForm
        initial={initialValues()}
        submitLabel="Create key"
        busy={false}
        error={null}
        onSubmit={onSubmit}
        onCancel={() => {}}
      />,
    );
    await userEvent.type(screen.getByRole('textbox', { name: /^Name/ }), 'backend');
    await userEvent.type(screen.getByRole('textbox', { name: 'Requests / minute' }), '120');
    await userEvent.type(screen.getByRole('textbox', { name: 'Credit budget' }), '25.5');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(toBody(onSubmit.mock.calls[0]![0] as ApiKeyFormValues, false)).toEqual({
      name: 'backend',
      rpm: 120,
      credit_budget: '25.5',
      expires_at: undefined,
      allowed_models: undefined,
      tpm: undefined,
    });
  });

  it('clears a limit with null when editing', () => {
    const body = toBody({ ...initialValues(), name: 'k', rpm: '' }, true);
    expect(body.rpm).toBeNull();
    expect(body.credit_budget).toBeNull();
  });

  it("shows the API's 400 at the field its param names", () => {
    const error = new ApiError(
      400,
      'invalid_request_error',
      undefined,
      'credit_budget',
      'credit_budget must be a decimal string',
    );
    renderUi(
      <ApiKeyForm
        initial={initialValues()}
        submitLabel="Save"
        busy={false}
        error={error}
        onSubmit={() => {}}
        onCancel={() => {}}
      />,
    );
    const input = screen.getByRole('textbox', { name: 'Credit budget' });
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('credit_budget must be a decimal string')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows an error without a known field above the form', () => {
    const error = new ApiError(
      403,
      'permission_error',
      undefined,
      undefined,
      'Only admins can create keys for other users.',
    );
    renderUi(
      <ApiKeyForm
        initial={initialValues()}
        submitLabel="Save"
        busy={false}
        error={error}
        onSubmit={() => {}}
        onCancel={() => {}}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe('Only admins can create keys for other users.');
  });
});
