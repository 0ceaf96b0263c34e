import { Badge, Button, Group, Menu, Modal, Select, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import {
  useAddProviderKey,
  useDeleteProviderKey,
  useImportProviderKeys,
  useProviderKeys,
  useSelectProviderKey,
  useSetProviderKeyEnabled,
  useTestProviderKey,
  type ProviderKey,
} from '../../api/provider-keys';
import { Empty, ErrorAlert, Loading, PageHeader, errorMessage } from '../../ui/feedback';
import { formatDateTime, relativeTime } from '../../ui/format';
import { Pager } from '../../ui/pager';
import { AddKeyForm } from './add-key-form';
import { ImportForm } from './import-form';
import { useProviderOptions } from './provider-options';
import { StatusBadge } from './status-badge';

const LIMIT = 50;

export default function ProviderKeysPage() {
  const [offset, setOffset] = useState(0);
  const [provider, setProvider] = useState<string | null>(null);
  const list = useProviderKeys(LIMIT, offset, provider ?? undefined);
  const providers = useProviderOptions();
  const add = useAddProviderKey();
  const importKeys = useImportProviderKeys();
  const test = useTestProviderKey();
  const select = useSelectProviderKey();
  const enable = useSetProviderKeyEnabled();
  const remove = useDeleteProviderKey();
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<ProviderKey>();

  const runTest = (k: ProviderKey) =>
    test.mutate(k.id, {
      onSuccess: (r) =>
        notifications.show({
          color: r.ok ? 'green' : 'red',
          title: `${k.name}: ${r.ok ? 'works' : 'failed'}`,
          message: r.ok ? `Answered in ${r.latency_ms} ms.` : `Now ${r.status.replace('_', ' ')}.`,
        }),
      onError: (err) =>
        notifications.show({ color: 'red', title: `Testing ${k.name} failed`, message: errorMessage(err) }),
    });
  const onError = (err: unknown) => notifications.show({ color: 'red', message: errorMessage(err) });

  return (
    <>
      <PageHeader
        title="Provider keys"
        description="The vault: upstream keys, encrypted at rest, tried in order with failover."
        actions={
          <>
            <Button
              variant="default"
              onClick={() => {
                importKeys.reset();
                setImporting(true);
              }}
            >
              Import
            </Button>
            <Button
              onClick={() => {
                add.reset();
                setAdding(true);
              }}
            >
              Add key
            </Button>
          </>
        }
      />
      <Group mb="sm">
        <Select
          aria-label="Filter by provider"
          placeholder="All providers"
          data={providers}
          value={provider}
          onChange={(v) => {
            setProvider(v);
            setOffset(0);
          }}
          clearable
          w={220}
        />
      </Group>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorAlert error={list.error} title="Could not load provider keys" />
      ) : list.data.total === 0 ? (
        <Empty title="No provider keys">
          {provider
            ? 'None for this provider.'
            : 'Add or import keys; until then the gateway uses the keys from its environment.'}
        </Empty>
      ) : (
        <>
          <Table.ScrollContainer type="native" tabIndex={0} pos="relative" minWidth={820}>
            <Table striped highlightOnHover verticalSpacing="xs" aria-label="Provider keys">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Provider</Table.Th>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Failures</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.data.map((k) => (
                  <Table.Tr key={k.id} data-key-id={k.id}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text fw={600} size="sm">
                          {k.name}
                        </Text>
                        {k.selected ? (
                          <Badge size="xs" variant="filled" title="Tried first in its pool">
                            selected
                          </Badge>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>{k.provider}</Table.Td>
                    <Table.Td>
                      <code>{k.key_hint}</code>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge k={k} />
                    </Table.Td>
                    <Table.Td
                      title={k.last_failure_at ? `last ${formatDateTime(k.last_failure_at)}` : undefined}
                    >
                      {k.failure_count} now · {k.total_failures} total
                    </Table.Td>
                    <Table.Td title={formatDateTime(k.last_used_at)}>{relativeTime(k.last_used_at)}</Table.Td>
                    <Table.Td>{k.owner}</Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap" justify="flex-end">
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          loading={test.isPending && test.variables === k.id}
                          onClick={() => runTest(k)}
                          aria-label={`Test ${k.name}`}
                        >
                          Test
                        </Button>
                        <Menu position="bottom-end">
                          <Menu.Target>
                            <Button
                              size="compact-sm"
                              variant="subtle"
                              aria-label={`More actions for ${k.name}`}
                            >
                              ⋯
                            </Button>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item
                              onClick={() => select.mutate({ id: k.id, selected: !k.selected }, { onError })}
                            >
                              {k.selected ? 'Unselect' : 'Select (try first)'}
                            </Menu.Item>
                            <Menu.Item
                              onClick={() =>
                                enable.mutate({ id: k.id, enabled: k.status === 'disabled' }, { onError })
                              }
                            >
                              {k.status === 'disabled' ? 'Enable' : 'Disable'}
                            </Menu.Item>
                            <Menu.Divider />
                            <Menu.Item color="red" onClick={() => setDeleting(k)}>
                              Delete…
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager total={list.data.total} limit={LIMIT} offset={offset} onOffset={setOffset} label="keys" />
        </>
      )}

      <Modal opened={adding} onClose={() => setAdding(false)} title="Add a provider key">
        <AddKeyForm
          providers={providers}
          busy={add.isPending}
          error={add.error}
          onCancel={() => setAdding(false)}
          onSubmit={(body) =>
            add.mutate(body, {
              onSuccess: (k) => {
                setAdding(false);
                notifications.show({ color: 'green', message: `Added ${k.name} (${k.key_hint}).` });
              },
            })
          }
        />
      </Modal>
      <Modal opened={importing} onClose={() => setImporting(false)} title="Import provider keys" size="xl">
        <ImportForm
          providers={providers}
          busy={importKeys.isPending}
          error={importKeys.error}
          result={importKeys.data}
          onClose={() => setImporting(false)}
          onSubmit={(body) => importKeys.mutate(body)}
        />
      </Modal>
      <Modal opened={deleting !== undefined} onClose={() => setDeleting(undefined)} title="Delete this key?">
        <Stack>
          <Text>
            <b>{deleting?.name}</b> ({deleting?.key_hint}) is removed from the vault. Calls stop using it at
            once.
          </Text>
          {remove.isError ? <ErrorAlert error={remove.error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(undefined)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() =>
                deleting && remove.mutate(deleting.id, { onSuccess: () => setDeleting(undefined) })
              }
            >
              Delete key
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
