import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import {
  useApiKeys,
  useCreateApiKey,
  useRevokeApiKey,
  useUpdateApiKey,
  type ApiKey,
  type CreatedApiKey,
} from '../../api/api-keys';
import { Empty, ErrorAlert, Loading, PageHeader } from '../../ui/feedback';
import { formatCredits, formatDateTime, formatNumber, relativeTime } from '../../ui/format';
import { Pager } from '../../ui/pager';
import { ApiKeyForm, initialValues, toBody } from './api-key-form';

const LIMIT = 25;
const STATUS_COLOR = { active: 'green', expired: 'gray', revoked: 'red' } as const;

function SecretShown({ created, onClose }: { created: CreatedApiKey; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title="Your new API key" size="lg" closeOnClickOutside={false}>
      <Stack>
        <Alert color="yellow" variant="light" title="Copy it now">
          This is the only time the secret is shown. Store it somewhere safe; if you lose it, revoke the key
          and create another.
        </Alert>
        <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="new-api-key">
          {created.key}
        </Code>
        <Group justify="space-between">
          <CopyButton value={created.key}>
            {({ copied, copy }) => (
              <Button color={copied ? 'teal' : undefined} onClick={copy}>
                {copied ? 'Copied' : 'Copy key'}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={onClose}>
            I have stored it
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function limits(k: ApiKey): string {
  const parts = [
    k.rpm ? `${formatNumber(k.rpm)} rpm` : null,
    k.tpm ? `${formatNumber(k.tpm)} tpm` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'defaults';
}

export default function ApiKeysPage() {
  const [offset, setOffset] = useState(0);
  const list = useApiKeys(LIMIT, offset);
  const create = useCreateApiKey();
  const update = useUpdateApiKey();
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey>();
  const [editing, setEditing] = useState<ApiKey>();
  const [revoking, setRevoking] = useState<ApiKey>();

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys that call the OpenAI-compatible API at /v1. Secrets are shown once, at creation."
        actions={
          <Button
            onClick={() => {
              create.reset();
              setCreating(true);
            }}
          >
            Create API key
          </Button>
        }
      />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorAlert error={list.error} title="Could not load API keys" />
      ) : list.data.total === 0 ? (
        <Empty title="No API keys yet">Create one to call the gateway from your code.</Empty>
      ) : (
        <>
          <Table.ScrollContainer type="native" tabIndex={0} pos="relative" minWidth={760}>
            <Table striped highlightOnHover verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>Limits</Table.Th>
                  <Table.Th>Budget</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.data.map((k) => (
                  <Table.Tr key={k.id}>
                    <Table.Td fw={600}>{k.name}</Table.Td>
                    <Table.Td>
                      <Code>{k.masked_key}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLOR[k.status]} variant="light">
                        {k.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td title={formatDateTime(k.last_used_at)}>{relativeTime(k.last_used_at)}</Table.Td>
                    <Table.Td>{limits(k)}</Table.Td>
                    <Table.Td>{k.credit_budget ? formatCredits(k.credit_budget) : '—'}</Table.Td>
                    <Table.Td>{k.expires_at ? formatDateTime(k.expires_at) : 'never'}</Table.Td>
                    <Table.Td>
                      {k.status !== 'revoked' ? (
                        <Group gap={4} wrap="nowrap" justify="flex-end">
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            onClick={() => {
                              update.reset();
                              setEditing(k);
                            }}
                            aria-label={`Edit ${k.name}`}
                          >
                            Edit
                          </Button>
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            color="red"
                            onClick={() => setRevoking(k)}
                            aria-label={`Revoke ${k.name}`}
                          >
                            Revoke
                          </Button>
                        </Group>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager total={list.data.total} limit={LIMIT} offset={offset} onOffset={setOffset} label="keys" />
        </>
      )}

      <Modal opened={creating} onClose={() => setCreating(false)} title="Create API key" size="lg">
        <ApiKeyForm
          initial={initialValues()}
          submitLabel="Create key"
          busy={create.isPending}
          error={create.error}
          onCancel={() => setCreating(false)}
          onSubmit={(values) =>
            create.mutate(toBody(values, false), {
              onSuccess: (key) => {
                setCreating(false);
                setCreated(key);
              },
            })
          }
        />
      </Modal>
      {created ? <SecretShown created={created} onClose={() => setCreated(undefined)} /> : null}

      <Modal
        opened={editing !== undefined}
        onClose={() => setEditing(undefined)}
        title={`Edit ${editing?.name ?? ''}`}
        size="lg"
      >
        {editing ? (
          <ApiKeyForm
            initial={initialValues(editing)}
            submitLabel="Save"
            busy={update.isPending}
            error={update.error}
            onCancel={() => setEditing(undefined)}
            onSubmit={(values) =>
              update.mutate(
                { id: editing.id, body: toBody(values, true) },
                {
                  onSuccess: () => {
                    setEditing(undefined);
                    notifications.show({ message: 'Key updated.', color: 'green' });
                  },
                },
              )
            }
          />
        ) : null}
      </Modal>

      <Modal opened={revoking !== undefined} onClose={() => setRevoking(undefined)} title="Revoke this key?">
        <Stack>
          <Text>
            <b>{revoking?.name}</b> stops working at once, on every instance. This cannot be undone.
          </Text>
          {revoke.isError ? <ErrorAlert error={revoke.error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(undefined)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              onClick={() =>
                revoking &&
                revoke.mutate(revoking.id, {
                  onSuccess: () => {
                    notifications.show({ message: `Revoked ${revoking.name}.`, color: 'green' });
                    setRevoking(undefined);
                  },
                })
              }
            >
              Revoke key
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
