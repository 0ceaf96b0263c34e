import { Alert, Button, Group, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { CreateProviderKey } from '../../api/provider-keys';
import { fieldErrors } from '../../ui/form-errors';

const FIELDS = ['provider', 'key', 'name', 'base_url'] as const;

export function AddKeyForm({
  providers,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  providers: string[];
  busy: boolean;
  error: unknown;
  onSubmit: (body: CreateProviderKey) => void;
  onCancel: () => void;
}) {
  const [provider, setProvider] = useState<string | null>(providers[0] ?? null);
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const errors = fieldErrors(error, FIELDS);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({
      provider: provider ?? '',
      key: key.trim(),
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(baseUrl.trim() ? { base_url: baseUrl.trim() } : {}),
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {errors.form ? (
          <Alert color="red" variant="light" role="alert">
            {errors.form}
          </Alert>
        ) : null}
        <Select
          label="Provider"
          data={providers}
          value={provider}
          onChange={setProvider}
          required
          searchable
          error={errors.field.provider}
          allowDeselect={false}
        />
        <PasswordInput
          label="Key"
          required
          value={key}
          onChange={(e) => setKey(e.currentTarget.value)}
          error={errors.field.key}
          autoComplete="off"
        />
        <TextInput
          label="Name"
          placeholder="optional"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.field.name}
        />
        <TextInput
          label="Base URL"
          placeholder="optional: the provider's default"
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.currentTarget.value)}
          error={errors.field.base_url}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} disabled={!provider || !key.trim()}>
            Add key
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
