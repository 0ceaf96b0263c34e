import { Alert, Button, Group, Select, Stack, TagsInput, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { CreateRoute, RouteStrategy } from '../../api/routes';
import { fieldErrors } from '../../ui/form-errors';

const STRATEGIES: Array<{ value: RouteStrategy; label: string }> = [
  { value: 'fallback', label: 'Fallback (in order)' },
  { value: 'weighted', label: 'Weighted (equal shares)' },
  { value: 'round-robin', label: 'Round-robin' },
  { value: 'least-busy', label: 'Least busy' },
  { value: 'least-latency', label: 'Least latency' },
  { value: 'lowest-cost', label: 'Lowest cost' },
];

/** A named route: callers send its name as the model; the strategy picks among the targets. */
export function RouteForm({
  models,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  models: string[];
  busy: boolean;
  error: unknown;
  onSubmit: (body: CreateRoute) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [strategy, setStrategy] = useState<RouteStrategy>('fallback');
  const [targets, setTargets] = useState<string[]>([]);
  const errors = fieldErrors(error, ['name', 'description', 'strategy', 'targets']);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({
      name: name.trim(),
      strategy,
      targets: targets.map((model) => ({ model })),
      key_strategy: 'ordered',
      stream_failover: true,
      ...(description.trim() ? { description: description.trim() } : {}),
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
        <TextInput
          label="Name"
          description="What callers send as the model."
          placeholder="my-team/fast"
          required
          data-autofocus
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.field.name}
        />
        <TextInput
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <Select
          label="Strategy"
          data={STRATEGIES}
          value={strategy}
          onChange={(v) => setStrategy(v ?? 'fallback')}
          allowDeselect={false}
          error={errors.field.strategy}
        />
        <TagsInput
          label="Targets"
          description="Models, in order of preference. Every strategy fails over to the others."
          data={models}
          value={targets}
          onChange={setTargets}
          error={errors.field.targets}
          placeholder="simulator/sim-gpt"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} disabled={!name.trim() || targets.length === 0}>
            Create route
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
