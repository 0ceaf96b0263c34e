import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useMe } from '../../api/auth';
import { useClearModelOverride, useModels, useSetModelOverride, type Model } from '../../api/models';
import { ErrorAlert, Loading, PageHeader, errorMessage } from '../../ui/feedback';
import { formatNumber } from '../../ui/format';
import { fieldErrors } from '../../ui/form-errors';

type Pricing = Record<string, string | undefined>;

function price(m: Model): string {
  if (m.free) return 'free';
  const p = m.pricing as Pricing;
  if (p.inputPerMTok || p.outputPerMTok) return `${p.inputPerMTok ?? '—'} / ${p.outputPerMTok ?? '—'}`;
  if (p.perImage) return `${p.perImage} per image`;
  if (p.perAudioMinute) return `${p.perAudioMinute} per minute`;
  if (p.perMChars) return `${p.perMChars} per M chars`;
  return '—';
}

function OverrideForm({ model, onDone }: { model: Model; onDone: () => void }) {
  const set = useSetModelOverride();
  const clear = useClearModelOverride();
  const pricing = model.pricing as Pricing;
  const [input, setInput] = useState(pricing.inputPerMTok ?? '');
  const [output, setOutput] = useState(pricing.outputPerMTok ?? '');
  const [disabled, setDisabled] = useState(model.disabled);
  const [free, setFree] = useState(model.free);
  const errors = fieldErrors(set.error, [
    'pricing',
    'disabled',
    'free',
    'context_window',
    'max_output_tokens',
  ]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set.mutate(
      {
        provider: model.provider,
        model: model.model,
        body: {
          disabled,
          free,
          pricing: {
            ...(input.trim() ? { inputPerMTok: input.trim() } : {}),
            ...(output.trim() ? { outputPerMTok: output.trim() } : {}),
          },
        },
      },
      { onSuccess: onDone },
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {errors.form ? (
          <Alert color="red" variant="light" role="alert">
            {errors.form}
          </Alert>
        ) : null}
        <Group grow align="flex-start">
          <TextInput
            label="Input, credits per M tokens"
            value={input}
            onChange={(e) => setInput(e.currentTarget.value)}
            inputMode="decimal"
            error={errors.field.pricing}
          />
          <TextInput
            label="Output, credits per M tokens"
            value={output}
            onChange={(e) => setOutput(e.currentTarget.value)}
            inputMode="decimal"
          />
        </Group>
        <Checkbox
          label="Free (charge nothing)"
          checked={free}
          onChange={(e) => setFree(e.currentTarget.checked)}
        />
        <Checkbox
          label="Switched off (calls are refused)"
          checked={disabled}
          onChange={(e) => setDisabled(e.currentTarget.checked)}
        />
        <Group justify="space-between">
          <Button
            variant="subtle"
            color="red"
            loading={clear.isPending}
            onClick={() =>
              clear.mutate(
                { provider: model.provider, model: model.model },
                {
                  onSuccess: onDone,
                  onError: (err) => notifications.show({ color: 'red', message: errorMessage(err) }),
                },
              )
            }
          >
            Remove override
          </Button>
          <Button type="submit" loading={set.isPending}>
            Save override
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export default function ModelsPage() {
  const me = useMe();
  const platform = me.data?.user.role === 'platform_admin';
  const models = useModels();
  const [editing, setEditing] = useState<Model>();
  return (
    <>
      <PageHeader
        title="Models & prices"
        description="The catalog: capabilities, context windows and prices in credits per million tokens (input / output)."
      />
      {models.isPending ? (
        <Loading />
      ) : models.isError ? (
        <ErrorAlert error={models.error} title="Could not load models" />
      ) : (
        <Stack gap="lg">
          {models.data.map((p) => (
            <section key={p.id} aria-labelledby={`provider-${p.id}`}>
              <Group gap="xs" mb="xs">
                <Title order={2} size="h4" id={`provider-${p.id}`}>
                  {p.name}
                </Title>
                <Badge variant="light" color={p.available ? 'green' : 'gray'}>
                  {p.available ? 'available' : 'no key'}
                </Badge>
                <Text size="xs" c="dimmed">
                  {p.format} format
                </Text>
              </Group>
              <Table.ScrollContainer type="native" tabIndex={0} pos="relative" minWidth={720}>
                <Table striped verticalSpacing={4} fz="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Model</Table.Th>
                      <Table.Th>Capabilities</Table.Th>
                      <Table.Th ta="right">Context</Table.Th>
                      <Table.Th ta="right">Price in / out</Table.Th>
                      <Table.Th>State</Table.Th>
                      {platform ? <Table.Th>Override</Table.Th> : null}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {p.models.map((m) => (
                      <Table.Tr key={m.id}>
                        <Table.Td>
                          <code>{m.id}</code>
                        </Table.Td>
                        <Table.Td>{m.capabilities.join(', ')}</Table.Td>
                        <Table.Td ta="right">{formatNumber(m.context_window)}</Table.Td>
                        <Table.Td ta="right">{price(m)}</Table.Td>
                        <Table.Td>
                          {m.disabled ? (
                            <Badge color="gray" size="sm" variant="light">
                              off
                            </Badge>
                          ) : m.unpriced.length ? (
                            <Badge
                              color="orange"
                              size="sm"
                              variant="light"
                              title={`No price for ${m.unpriced.join(', ')}`}
                            >
                              unpriced
                            </Badge>
                          ) : (
                            <Badge color="green" size="sm" variant="light">
                              on
                            </Badge>
                          )}
                        </Table.Td>
                        {platform ? (
                          <Table.Td>
                            <Button
                              size="compact-sm"
                              variant="subtle"
                              onClick={() => setEditing(m)}
                              aria-label={`Edit ${m.id}`}
                            >
                              Edit
                            </Button>
                          </Table.Td>
                        ) : null}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </section>
          ))}
        </Stack>
      )}
      <Modal
        opened={editing !== undefined}
        onClose={() => setEditing(undefined)}
        title={`Override ${editing?.id ?? ''}`}
      >
        {editing ? <OverrideForm model={editing} onDone={() => setEditing(undefined)} /> : null}
      </Modal>
    </>
  );
}
