import { Alert, Button, Group, NumberInput, Stack, TagsInput, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { ApiKey, CreateApiKey } from '../../api/api-keys';
import { fieldErrors } from '../../ui/form-errors';

const FIELDS = ['name', 'expires_at', 'allowed_models', 'rpm', 'tpm', 'credit_budget'] as const;

export interface ApiKeyFormValues {
  name: string;
  expires: string;
  allowedModels: string[];
  rpm: number | '';
  tpm: number | '';
  budget: string;
}

export function initialValues(key?: ApiKey): ApiKeyFormValues {
  return {
    name: key?.name ?? '',
    expires: key?.expires_at ? key.expires_at.slice(0, 10) : '',
    allowedModels: key?.allowed_models ?? [],
    rpm: key?.rpm ?? '',
    tpm: key?.tpm ?? '',
    budget: key?.credit_budget ?? '',
  };
}

/** The request body: empty fields are left out when creating, and sent as null (no limit) when editing. */
export function toBody(values: ApiKeyFormValues, editing: boolean): CreateApiKey & Record<string, unknown> {
  const empty = editing ? null : undefined;
  return {
    name: values.name.trim(),
    expires_at: values.expires ? new Date(`${values.expires}T23:59:59Z`).toISOString() : empty,
    allowed_models: values.allowedModels.length ? values.allowedModels : empty,
    rpm: values.rpm === '' ? empty : values.rpm,
    tpm: values.tpm === '' ? empty : values.tpm,
    credit_budget: values.budget.trim() ? values.budget.trim() : empty,
  } as CreateApiKey & Record<string, unknown>;
}

export function ApiKeyForm({
  initial,
  submitLabel,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  initial: ApiKeyFormValues;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit: (values: ApiKeyFormValues) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(initial);
  const set = <K extends keyof ApiKeyFormValues>(key: K, value: ApiKeyFormValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const errors = fieldErrors(error, FIELDS);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(values);
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {errors.form ? (
          <Alert color="red" variant="light" role="alert">
            {errors.form}
          </Alert>
        ) : null}
        <TextInput
          label="Name"
          description="What calls with this key (a service, a person)."
          required
          data-autofocus
          value={values.name}
          onChange={(e) => set('name', e.currentTarget.value)}
          error={errors.field.name}
        />
        <TagsInput
          label="Allowed models"
          description="Empty: any model. provider/* allows a whole provider. Enter to add."
          placeholder="openai/gpt-4o-mini"
          value={values.allowedModels}
          onChange={(v) => set('allowedModels', v)}
          error={errors.field.allowed_models}
        />
        <Group grow align="flex-start">
          <NumberInput
            label="Requests / minute"
            placeholder="tenant default"
            min={1}
            allowDecimal={false}
            value={values.rpm}
            onChange={(v) => set('rpm', v === '' ? '' : Number(v))}
            error={errors.field.rpm}
          />
          <NumberInput
            label="Tokens / minute"
            placeholder="no limit"
            min={1}
            allowDecimal={false}
            value={values.tpm}
            onChange={(v) => set('tpm', v === '' ? '' : Number(v))}
            error={errors.field.tpm}
          />
        </Group>
        <Group grow align="flex-start">
          <TextInput
            label="Credit budget"
            placeholder="no budget"
            inputMode="decimal"
            value={values.budget}
            onChange={(e) => set('budget', e.currentTarget.value)}
            error={errors.field.credit_budget}
          />
          <TextInput
            label="Expires"
            type="date"
            value={values.expires}
            onChange={(e) => set('expires', e.currentTarget.value)}
            error={errors.field.expires_at}
          />
        </Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
