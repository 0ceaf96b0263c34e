import { Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { ChangePassword } from '../../api/auth';
import { fieldErrors } from '../../ui/form-errors';
import { FormAlert } from '../../ui/resource-list';

const MIN_LENGTH = 12;

/**
 * Current password, new password twice. The repeat and the length are checked here so a typo
 * costs no round trip; a wrong current password or a refused new one is the API's 400, shown at
 * its field.
 */
export function ChangePasswordForm({
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  busy: boolean;
  error: unknown;
  onSubmit: (body: ChangePassword) => void;
  onCancel: () => void;
}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [local, setLocal] = useState<{ new_password?: string; repeat?: string }>({});
  const errors = fieldErrors(error, ['current_password', 'new_password']);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = {
      ...(next.length < MIN_LENGTH ? { new_password: `At least ${MIN_LENGTH} characters.` } : {}),
      ...(next !== repeat ? { repeat: 'The two new passwords differ.' } : {}),
    };
    setLocal(problems);
    if (Object.keys(problems).length === 0) onSubmit({ current_password: current, new_password: next });
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Change password">
      <Stack>
        <FormAlert message={errors.form} />
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          required
          data-autofocus
          value={current}
          onChange={(e) => setCurrent(e.currentTarget.value)}
          error={errors.field.current_password}
        />
        <PasswordInput
          label="New password"
          description={`At least ${MIN_LENGTH} characters.`}
          autoComplete="new-password"
          required
          value={next}
          onChange={(e) => setNext(e.currentTarget.value)}
          error={local.new_password ?? errors.field.new_password}
        />
        <PasswordInput
          label="Repeat the new password"
          autoComplete="new-password"
          required
          value={repeat}
          onChange={(e) => setRepeat(e.currentTarget.value)}
          error={local.repeat}
        />
        <Text size="xs" c="dimmed">
          Every other session of yours (other browsers, devices, tabs) is signed out.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} disabled={!current || !next || !repeat}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
