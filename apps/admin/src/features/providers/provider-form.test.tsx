import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/http';
import { renderUi } from '../../test/render';
import { ProviderForm } from './provider-form';

describe('the provider form', () => {
  it('sends responses_api only when it is ticked', async () => {
    const onSubmit = vi.fn();
    renderUi(<ProviderForm busy={false} error={null} onSubmit={onSubmit} onCancel={() => {}} />);
    await userEvent.type(screen.getByRole('textbox', { name: /^Id/ }), 'lab');
    await userEvent.type(screen.getByRole('textbox', { name: /^Base URL/ }), 'https://lab.example.com/v1');
    await userEvent.type(screen.getByLabelText(/^Models/, { selector: 'input' }), 'm1{enter}');
    await userEvent.click(screen.getByRole('checkbox', { name: /^Free/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Register provider' }));
    expect(onSubmit.mock.calls[0]![0]).not.toHaveProperty('responses_api');
    await userEvent.click(screen.getByRole('checkbox', { name: /Responses API/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Register provider' }));
    expect(onSubmit.mock.calls[1]![0]).toMatchObject({
      id: 'lab',
      format: 'openai',
      base_url: 'https://lab.example.com/v1',
      responses_api: true,
      models: [{ id: 'm1', free: true }],
    });
  });

  it("shows the API's 400 on responses_api at that checkbox", () => {
    const error = new ApiError(
      400,
      'invalid_request_error',
      undefined,
      'responses_api',
      'responses_api is only for the openai format.',
    );
    renderUi(<ProviderForm busy={false} error={error} onSubmit={() => {}} onCancel={() => {}} />);
    expect(screen.getByText('responses_api is only for the openai format.')).toBeTruthy();
    const field = screen.getByRole('checkbox', { name: /Responses API/ }).closest('.mantine-Checkbox-root');
    expect(field?.textContent).toContain('responses_api is only for the openai format.');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
