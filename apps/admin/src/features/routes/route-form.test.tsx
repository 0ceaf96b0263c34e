import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/http';
import { renderUi } from '../../test/render';
import { RouteForm } from './route-form';

describe('the route form', () => {
  it('sends the name, strategy and targets in order', async () => {
    const onSubmit = vi.fn();
    renderUi(
      <RouteForm
        models={['simulator/sim-gpt', 'simulator/sim-gpt-mini']}
        busy={false}
        error={null}
        onSubmit={onSubmit}
        onCancel={() => {}}
      />,
    );
    await userEvent.type(screen.getByRole('textbox', { name: /^Name/ }), 'team/fast');
    const targets = screen.getByLabelText(/^Targets/, { selector: 'input' });
    await userEvent.type(targets, 'simulator/sim-gpt-mini{enter}simulator/sim-gpt{enter}');
    await userEvent.click(screen.getByRole('button', { name: 'Create route' }));
    expect(onSubmit).toHaveBeenCalledWith({
      name: 'team/fast',
      strategy: 'fallback',
      targets: [{ model: 'simulator/sim-gpt-mini' }, { model: 'simulator/sim-gpt' }],
      key_strategy: 'ordered',
      stream_failover: true,
    });
  });

  it("shows the API's 400 on a target at the targets field", () => {
    const error = new ApiError(
      400,
      'invalid_request_error',
      'model_not_found',
      'targets[1].model',
      'No model nope/x.',
    );
    renderUi(<RouteForm models={[]} busy={false} error={error} onSubmit={() => {}} onCancel={() => {}} />);
    expect(screen.getByText('No model nope/x.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
