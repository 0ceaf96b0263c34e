import { Alert, Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import type { CreateTransfer } from '../../api/credits';
import { fieldErrors } from '../../ui/form-errors';
import { newIdempotencyKey } from '../../ui/format';
import type { UserOption } from './grant-form';

/** Moves credits from the tenant pool to a user; one idempotency key per transfer, like grants. */
export function TransferForm({
  users,
  busy,
  error,
  onSubmit,
}: {
  users: UserOption[];
  busy: boolean;
  error: unknown;
  onSubmit: (body: CreateTransfer, idempotencyKey: string) => Promise<unknown>;
}) {
  const [userId, setUserId] = useState<string | null>(null);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const key = useRef(newIdempotencyKey());
  const errors = fieldErrors(error, ['user_id', 'amount', 'reason']);
  const change =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      key.current = newIdempotencyKey();
      set(v);
    };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!userId) return;
    void onSubmit({ user_id: userId, amount: amount.trim(), reason: reason.trim() }, key.current).then(
      () => {
        key.current = newIdempotencyKey();
        setAmount('');
        setReason('');
      },
      () => undefined,
    );
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Transfer from the tenant pool">
      <Stack gap="sm">
        {errors.form ? (
          <Alert color="red" variant="light" role="alert">
            {errors.form}
          </Alert>
        ) : null}
        <Select
          label="To user"
          data={users}
          value={userId}
          onChange={change(setUserId)}
          searchable
          required
          error={errors.field.user_id}
        />
        <TextInput
          label="Amount"
          required
          inputMode="decimal"
          value={amount}
          onChange={(e) => change(setAmount)(e.currentTarget.value)}
          error={errors.field.amount}
        />
        <TextInput
          label="Reason"
          required
          value={reason}
          onChange={(e) => change(setReason)(e.currentTarget.value)}
          error={errors.field.reason}
        />
        <Group justify="flex-end">
          <Button
            type="submit"
            variant="light"
            loading={busy}
            disabled={!userId || !amount.trim() || !reason.trim()}
          >
            Transfer from pool
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
