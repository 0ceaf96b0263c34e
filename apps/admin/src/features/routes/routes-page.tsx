import { Badge, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { isAdmin, useMe } from '../../api/auth';
import { useModels } from '../../api/models';
import { useCreateRoute, useDeleteRoute, useRoutes, type Route } from '../../api/routes';
import { Empty, ErrorAlert, Loading, PageHeader, errorMessage } from '../../ui/feedback';
import { RouteForm } from './route-form';

export default function RoutesPage() {
  const me = useMe();
  const admin = isAdmin(me.data?.user.role);
  const routes = useRoutes();
  const models = useModels();
  const create = useCreateRoute();
  const remove = useDeleteRoute();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Route>();
  const modelIds = (models.data ?? []).flatMap((p) => p.models.filter((m) => !m.disabled).map((m) => m.id));
  // Platform routes are the platform admin's; tenant admins manage their tenant's.
  const canDelete = (r: Route) => admin && (r.scope === 'tenant' || me.data?.user.role === 'platform_admin');

  return (
    <>
      <PageHeader
        title="Routes"
        description="Named virtual models: call one by its name as the model, and its strategy picks a target."
        actions={
          admin ? (
            <Button
              onClick={() => {
                create.reset();
                setCreating(true);
              }}
            >
              Create route
            </Button>
          ) : undefined
        }
      />
      {routes.isPending ? (
        <Loading />
      ) : routes.isError ? (
        <ErrorAlert error={routes.error} title="Could not load routes" />
      ) : routes.data.data.length === 0 ? (
        <Empty title="No routes">
          {admin ? 'Create one to spread calls over several models.' : 'Your admins have not created any.'}
        </Empty>
      ) : (
        <Table.ScrollContainer type="native" tabIndex={0} pos="relative" minWidth={720}>
          <Table striped verticalSpacing={6} fz="sm" aria-label="Routes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Scope</Table.Th>
                <Table.Th>Strategy</Table.Th>
                <Table.Th>Targets</Table.Th>
                <Table.Th>Description</Table.Th>
                {admin ? <Table.Th>Actions</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {routes.data.data.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <code>{r.name}</code>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" size="sm">
                      {r.scope}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{r.strategy}</Table.Td>
                  <Table.Td>
                    {r.targets.map((t) => (
                      <Text key={t.model} size="sm">
                        {t.model}
                        {t.weight !== undefined && r.strategy === 'weighted' ? ` (weight ${t.weight})` : ''}
                      </Text>
                    ))}
                  </Table.Td>
                  <Table.Td>{r.description ?? ''}</Table.Td>
                  {admin ? (
                    <Table.Td>
                      {canDelete(r) ? (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          onClick={() => setDeleting(r)}
                          aria-label={`Delete ${r.name}`}
                        >
                          Delete
                        </Button>
                      ) : null}
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title="Create a route" size="lg">
        <RouteForm
          models={modelIds}
          busy={create.isPending}
          error={create.error}
          onCancel={() => setCreating(false)}
          onSubmit={(body) =>
            create.mutate(body, {
              onSuccess: (r) => {
                setCreating(false);
                notifications.show({ color: 'green', message: `Route ${r.name} created.` });
              },
            })
          }
        />
      </Modal>
      <Modal
        opened={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        title="Delete this route?"
      >
        <Stack>
          <Text>
            Calls that name <code>{deleting?.name}</code> as their model will fail with model_not_found.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(undefined)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() =>
                deleting &&
                remove.mutate(deleting.id, {
                  onSuccess: () => setDeleting(undefined),
                  onError: (err) => notifications.show({ color: 'red', message: errorMessage(err) }),
                })
              }
            >
              Delete route
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
