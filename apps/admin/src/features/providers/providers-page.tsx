import { Badge, Button, Group, Modal, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import {
  useCreateProvider,
  useDeleteProvider,
  useDiscoverModels,
  useProviders,
  type RuntimeProvider,
} from '../../api/providers';
import { ErrorAlert, Loading, PageHeader } from '../../ui/feedback';
import { formatDateTime, formatNumber } from '../../ui/format';
import { ConfirmModal, QueryList } from '../../ui/resource-list';
import { ProviderForm } from './provider-form';

export default function ProvidersPage() {
  const providers = useProviders();
  const create = useCreateProvider();
  const remove = useDeleteProvider();
  const discover = useDiscoverModels();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<RuntimeProvider>();
  const [discovering, setDiscovering] = useState<RuntimeProvider>();

  return (
    <>
      <PageHeader
        title="Providers"
        description="Providers registered at run time (OpenAI-compatible servers, Ollama, ...), on top of the built-in catalog."
        actions={
          <Button
            onClick={() => {
              create.reset();
              setCreating(true);
            }}
          >
            Register provider
          </Button>
        }
      />
      <QueryList
        query={providers}
        errorTitle="Could not load providers"
        isEmpty={(page) => page.data.length === 0}
        empty={{ title: 'No runtime providers', hint: 'The built-in providers are on the models screen.' }}
      >
        {(page) => (
          <Table.ScrollContainer type="native" tabIndex={0} pos="relative" minWidth={760}>
            <Table striped verticalSpacing={6} fz="sm" aria-label="Providers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Id</Table.Th>
                  <Table.Th>Format</Table.Th>
                  <Table.Th>Scope</Table.Th>
                  <Table.Th>Base URL</Table.Th>
                  <Table.Th ta="right">Models</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.data.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      <Text fw={600} size="sm">
                        {p.id}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {p.name} · since {formatDateTime(p.created_at)}
                      </Text>
                    </Table.Td>
                    <Table.Td>{p.format}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" size="sm">
                        {p.scope}
                      </Badge>
                    </Table.Td>
                    <Table.Td style={{ wordBreak: 'break-all' }}>{p.base_url ?? '—'}</Table.Td>
                    <Table.Td ta="right">{formatNumber(p.models.length)}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Badge color={p.available ? 'green' : 'gray'} variant="light" size="sm">
                          {p.available ? 'available' : p.key_required ? 'needs a key' : 'unavailable'}
                        </Badge>
                        {p.responses_api ? (
                          <Badge
                            color="grape"
                            variant="light"
                            size="sm"
                            title="Speaks the Responses API natively"
                          >
                            Responses API
                          </Badge>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          aria-label={`Discover models of ${p.id}`}
                          onClick={() => {
                            setDiscovering(p);
                            discover.mutate(p.id);
                          }}
                        >
                          Discover models
                        </Button>
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          aria-label={`Delete ${p.id}`}
                          onClick={() => setDeleting(p)}
                        >
                          Delete
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryList>
      <Modal opened={creating} onClose={() => setCreating(false)} title="Register a provider" size="lg">
        <ProviderForm
          busy={create.isPending}
          error={create.error}
          onCancel={() => setCreating(false)}
          onSubmit={(body) =>
            create.mutate(body, {
              onSuccess: (p) => {
                setCreating(false);
                notifications.show({ color: 'green', message: `Provider ${p.id} registered.` });
              },
            })
          }
        />
      </Modal>
      <Modal
        opened={discovering !== undefined}
        onClose={() => setDiscovering(undefined)}
        title={`Models ${discovering?.id ?? ''} serves`}
        size="lg"
      >
        {discover.isPending ? (
          <Loading label="Asking the provider…" />
        ) : discover.isError ? (
          <ErrorAlert error={discover.error} title="Discovery failed" />
        ) : discover.data ? (
          <Table fz="sm" aria-label="Discovered models">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Model</Table.Th>
                <Table.Th ta="right">Context</Table.Th>
                <Table.Th>Registered</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {discover.data.models.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>{m.id}</Table.Td>
                  <Table.Td ta="right">{m.context_window ? formatNumber(m.context_window) : '—'}</Table.Td>
                  <Table.Td>{m.registered ? 'yes' : 'no'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
      </Modal>
      <ConfirmModal
        opened={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        title="Delete this provider?"
        confirmLabel="Delete provider"
        busy={remove.isPending}
        onConfirm={(handlers) => deleting && remove.mutate(deleting.id, handlers)}
      >
        Calls to <code>{deleting?.id}/…</code> models stop at once, on every instance.
      </ConfirmModal>
    </>
  );
}
