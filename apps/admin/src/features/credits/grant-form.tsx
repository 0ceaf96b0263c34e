import { Alert, Button, Checkbox, Group, Select, Stack, TextInput } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import type { CreateGrant } from '../../api/credits';
import { fieldErrors } from '../../ui/form-errors';
import { newIdempotencyKey } from '../../ui/format';

const FIELDS = ['user_id', 'tenant_pool', 'amount', 'reason', 'kind'] as const;

export interface UserOption {
  value: string;
  label: string;
}

/**
 * A grant of credits. The idempotency key is made when the form is filled in and kept until the
 * grant succeeds: a double click or a resubmit after a lost answer sends the same key, and the API
 * grants once. A changed form gets a new key.
 */
export function GrantForm({
  users,
  self,
  busy,
  error,
  onSubmit,
}: {
  users: UserOption[];
  /** The signed-in user: the grant goes to them unless another user or the pool is picked. */
  self?: UserOption;
  busy: boolean;
  error: unknown;
  onSubmit: (body: CreateGrant, idempotencyKey: string) => Promise<unknown>;
}) {
  const [userId, setUserId] = useState<string | null>(self?.value ?? null);
  const options = self && !users.some((u) => u.value === self.value) ? [self, ...users] : users;
  const [pool, setPool] = useState(false);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [kind, setKind] = useState<CreateGrant['kind']>('grant');
  const key = useRef(newIdempotencyKey());
  const errors = fieldErrors(error, FIELDS);
  const change =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      key.current = newIdempotencyKey();
      set(v);
    };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: CreateGrant = {
      amount: amount.trim(),
      reason: reason.trim(),
      kind,
      ...(pool ? { tenant_pool: true } : userId ? { user_id: userId } : {}),
    };
    void onSubmit(body, key.current).then(
      () => {
        key.current = newIdempotencyKey();
        setAmount('');
        setReason('');
      },
      () => undefined,
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Grant credits">
      <Stack gap="sm">
        {errors.form ? (
          <Alert color="red" variant="light" role="alert">
            {errors.form}
          </Alert>
        ) : null}
        <Select
          label="To user"
          data={options}
          value={userId}
          onChange={change(setUserId)}
          searchable
          clearable
          disabled={pool}
          error={errors.field.user_id}
        />
        <Checkbox
          label="To the tenant's shared pool"
          checked={pool}
          onChange={(e) => change(setPool)(e.currentTarget.checked)}
        />
        <Group grow align="flex-start">
          <TextInput
            label="Amount"
            description="Credits, up to 6 decimals."
            required
            inputMode="decimal"
            value={amount}
            onChange={(e) => change(setAmount)(e.currentTarget.value)}
            error={errors.field.amount}
          />
          <Select
            label="Kind"
            data={['grant', 'purchase', 'refund', 'adjustment']}
            value={kind}
            onChange={(v) => change(setKind)(v ?? 'grant')}
            allowDeselect={false}
            error={errors.field.kind}
          />
        </Group>
        <TextInput
          label="Reason"
          required
          value={reason}
          onChange={(e) => change(setReason)(e.currentTarget.value)}
          error={errors.field.reason}
          description="Recorded in the ledger and the activity log."
        />
        <Group justify="flex-end">
          <Button type="submit" loading={busy} disabled={!amount.trim() || !reason.trim()}>
            Grant credits
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
