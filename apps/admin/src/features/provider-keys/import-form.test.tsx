import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderUi } from '../../test/render';
import { ImportForm } from './import-form';

describe('the import form', () => {
  it('sends the pasted keys and shows the report line by line', async () => {
    const onSubmit = vi.fn();
    const { rerender } = renderUi(
      <ImportForm
        providers={['openai', 'simulator']}
        busy={false}
        error={null}
        result={undefined}
        onSubmit={onSubmit}
        onClose={() => {}}
      />,
    );
    await userEvent.type(screen.getByRole('textbox', { name: 'Keys' }), 'sk-one{enter}sk-one{enter}bad');
    await userEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(onSubmit).toHaveBeenCalledWith({ content: 'sk-one\nsk-one\nbad', format: 'auto', dry_run: false });

    rerender(
      <ImportForm
        providers={['openai']}
        busy={false}
        error={null}
        onSubmit={onSubmit}
        onClose={() => {}}
        result={{
          added: 1,
          skipped: 1,
          rejected: 1,
          dry_run: false,
          lines: [
            { line: 1, status: 'added', provider: 'openai', key_hint: '…-one' },
            { line: 2, status: 'skipped', reason: 'duplicate', provider: 'openai', key_hint: '…-one' },
            { line: 3, status: 'rejected', reason: 'no provider for this key' },
          ],
        }}
      />,
    );
    const report = screen.getByRole('table', { name: 'Import report' });
    const rows = within(report).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      '1addedopenai…-one',
      '2duplicateopenai…-oneduplicate',
      '3rejected——no provider for this key',
    ]);
  });
});
