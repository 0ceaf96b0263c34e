import { Alert, Badge, Button, Group, Modal, NumberInput, Stack, Table, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useCreateTenant, useTenants, useUpdateTenant } from '../../api/tenants';
import { Empty, ErrorAlert, Loading, PageHeader, errorMessage } from '../../ui/feedback';
import { formatDateTime } from '../../ui/format';
import { fieldErrors } from '../../ui/form-errors';
import { Pager } from '../../ui/pager';

const LIMIT = 50;

function CreateTenantForm({ onDone }: { onDone: () => void }) {
  const create = useCreateTenant();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [rpm, setRpm] = useState<number | ''>('');
  const errors = fieldErrors(create.error, ['name', 'slug', 'default_rpm']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        ...(slug.trim() ? { slug: slug.trim() } : {}),
        ...(rpm !== '' ? { default_rpm: rpm } : {}),
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
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.field.name}
          data-autofocus
        />
        <TextInput
          label="Slug"
          placeholder="from the name"
          value={slug}
          onChange={(e) => setSlug(e.currentTarget.value)}
          error={errors.field.slug}
        />
        <NumberInput
          label="Default requests / minute"
          placeholder="gateway default"
          min={1}
          allowDecimal={false}
          value={rpm}
          onChange={(v) => setRpm(v === '' ? '' : Number(v))}
          error={errors.field.default_rpm}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
            Create tenant
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export default function TenantsPage() {
  const [offset, setOffset] = useState(0);
  const list = useTenants(LIMIT, offset);
  const update = useUpdateTenant();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="Tenants"
        description="Organisations sharing this gateway."
        actions={<Button onClick={() => setCreating(true)}>Create tenant</Button>}
      />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorAlert error={list.error} title="Could not load tenants" />
      ) : list.data.total === 0 ? (
        <Empty title="No tenants" />
      ) : (
        <>
          <Table.ScrollContainer type="native" tabIndex={0} pos="relative" minWidth={640}>
            <Table striped verticalSpacing={6} fz="sm" aria-label="Tenants">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Slug</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Default RPM</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.data.map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td fw={600}>{t.name}</Table.Td>
                    <Table.Td>{t.slug}</Table.Td>
                    <Table.Td>
                      <Badge color={t.status === 'active' ? 'green' : 'gray'} variant="light" size="sm">
                        {t.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{t.default_rpm ?? 'gateway default'}</Table.Td>
                    <Table.Td>{formatDateTime(t.created_at)}</Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color={t.status === 'active' ? 'red' : undefined}
                        onClick={() =>
                          update.mutate(
                            { id: t.id, body: { status: t.status === 'active' ? 'disabled' : 'active' } },
                            {
                              onError: (err) =>
                                notifications.show({ color: 'red', message: errorMessage(err) }),
                            },
                          )
                        }
                      >
                        {t.status === 'active' ? 'Disable' : 'Enable'}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager total={list.data.total} limit={LIMIT} offset={offset} onOffset={setOffset} label="tenants" />
        </>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title="Create a tenant">
        <CreateTenantForm onDone={() => setCreating(false)} />
      </Modal>
    </>
  );
}
