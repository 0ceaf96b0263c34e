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
    await userEvent.type(screen.getByRole('textbox', { name: /^Name/ }), 'team-fast');
    const targets = screen.getByLabelText(/^Targets/, { selector: 'input' });
    await userEvent.type(targets, 'simulator/sim-gpt-mini{enter}simulator/sim-gpt{enter}');
    await userEvent.click(screen.getByRole('button', { name: 'Create route' }));
    expect(onSubmit).toHaveBeenCalledWith({
      name: 'team-fast',
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

describe('the route form, weights, params, steps and cache', () => {
  const models = ['simulator/sim-gpt', 'simulator/sim-gpt-mini', 'simulator/sim-wrong'];

  async function pickStrategy(label: RegExp) {
    await userEvent.click(screen.getByLabelText('Strategy', { selector: 'input' }));
    await userEvent.click(await screen.findByRole('option', { name: label, hidden: true }));
  }

  it('sends each target with its weight and params, and the cache TTL', async () => {
    const onSubmit = vi.fn();
    renderUi(<RouteForm models={models} busy={false} error={null} onSubmit={onSubmit} onCancel={() => {}} />);
    await userEvent.type(screen.getByRole('textbox', { name: /^Name/ }), 'team-split');
    await pickStrategy(/^Weighted/);
    const targets = screen.getByLabelText(/^Targets/, { selector: 'input' });
    await userEvent.type(targets, 'simulator/sim-gpt{enter}simulator/sim-gpt-mini{enter}');
    await userEvent.type(screen.getByRole('textbox', { name: /^Weight of simulator\/sim-gpt$/ }), '3');
    await userEvent.type(screen.getByRole('textbox', { name: /^Weight of simulator\/sim-gpt-mini/ }), '1');
    await userEvent.type(
      screen.getByRole('textbox', { name: /^Params of simulator\/sim-gpt-mini/ }),
      '{{"temperature": 0.2}',
    );
    await userEvent.type(screen.getByRole('textbox', { name: /^Cache TTL/ }), '600');
    await userEvent.click(screen.getByRole('button', { name: 'Create route' }));
    expect(onSubmit).toHaveBeenCalledWith({
      name: 'team-split',
      strategy: 'weighted',
      targets: [
        { model: 'simulator/sim-gpt', weight: 3 },
        { model: 'simulator/sim-gpt-mini', weight: 1, params: { temperature: 0.2 } },
      ],
      key_strategy: 'ordered',
      stream_failover: true,
      cache_ttl_seconds: 600,
    });
  });

  it('refuses params that are not a JSON object at their field, sending nothing', async () => {
    const onSubmit = vi.fn();
    renderUi(<RouteForm models={models} busy={false} error={null} onSubmit={onSubmit} onCancel={() => {}} />);
    await userEvent.type(screen.getByRole('textbox', { name: /^Name/ }), 'team-x');
    await userEvent.type(
      screen.getByLabelText(/^Targets/, { selector: 'input' }),
      'simulator/sim-gpt{enter}',
    );
    await userEvent.type(screen.getByRole('textbox', { name: /^Params of/ }), 'temperature=1');
    await userEvent.click(screen.getByRole('button', { name: 'Create route' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText(/A JSON object/)).toBeTruthy();
  });

  it('sends a vote route as strategy_params, without targets', async () => {
    const onSubmit = vi.fn();
    renderUi(<RouteForm models={models} busy={false} error={null} onSubmit={onSubmit} onCancel={() => {}} />);
    await userEvent.type(screen.getByRole('textbox', { name: /^Name/ }), 'team-vote');
    await pickStrategy(/^Vote/);
    expect(screen.queryByLabelText(/^Targets/, { selector: 'input' })).toBeNull();
    await userEvent.type(
      screen.getByLabelText(/^Voters/, { selector: 'input' }),
      'simulator/sim-gpt{enter}simulator/sim-wrong{enter}simulator/sim-gpt-mini{enter}',
    );
    await userEvent.type(screen.getByLabelText(/^Judge/, { selector: 'input' }), 'simulator/sim-gpt');
    await userEvent.type(screen.getByRole('textbox', { name: /^Quorum/ }), '2');
    await userEvent.click(screen.getByRole('button', { name: 'Create route' }));
    expect(onSubmit).toHaveBeenCalledWith({
      name: 'team-vote',
      strategy: 'vote',
      strategy_params: {
        voters: ['simulator/sim-gpt', 'simulator/sim-wrong', 'simulator/sim-gpt-mini'],
        judge: 'simulator/sim-gpt',
        quorum: 2,
      },
      key_strategy: 'ordered',
      stream_failover: true,
    });
  });

  it("shows the API's 400 on a step's model at that field", async () => {
    const stepError = new ApiError(
      400,
      'invalid_request_error',
      undefined,
      'strategy_params.answerer',
      'No model nope/x.',
    );
    const { rerender } = renderUi(
      <RouteForm models={models} busy={false} error={null} onSubmit={() => {}} onCancel={() => {}} />,
    );
    await pickStrategy(/^Mix/);
    rerender(
      <RouteForm models={models} busy={false} error={stepError} onSubmit={() => {}} onCancel={() => {}} />,
    );
    const answerer = screen.getByLabelText(/^Answerer/, { selector: 'input' });
    expect(answerer.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('No model nope/x.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
