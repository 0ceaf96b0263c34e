import { Badge, Button, Modal, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { isAdmin, useMe } from '../../api/auth';
import { useModels } from '../../api/models';
import {
  useCreateRoute,
  useDeleteRoute,
  useRoutes,
  type Route,
  type RouteStrategyParams,
} from '../../api/routes';
import { PageHeader } from '../../ui/feedback';
import { ConfirmModal, QueryList } from '../../ui/resource-list';
import { RouteForm } from './route-form';

const STEP_LABELS: Array<[keyof RouteStrategyParams, string]> = [
  ['voters', 'voters'],
  ['judge', 'judge'],
  ['quorum', 'quorum'],
  ['budget_ms', 'budget ms'],
  ['reasoner', 'reasoner'],
  ['answerer', 'answerer'],
  ['draft', 'draft'],
  ['critique', 'critique'],
  ['refine', 'refine'],
];

/** A route's models: its steps for mix, vote and chain; else its targets with weight and params. */
function RouteModels({ route }: { route: Route }) {
  const steps = route.strategy_params;
  if (steps) {
    return STEP_LABELS.filter(([key]) => steps[key] !== undefined).map(([key, label]) => {
      const value = steps[key];
      return (
        <Text key={key} size="sm">
          <Text span c="dimmed" size="sm">
            {label}:
          </Text>{' '}
          {Array.isArray(value) ? value.join(', ') : String(value)}
        </Text>
      );
    });
  }
  return route.targets.map((t) => (
    <Text key={t.model} size="sm">
      {t.model}
      {t.weight !== undefined && route.strategy === 'weighted' ? ` (weight ${t.weight})` : ''}
      {t.params && Object.keys(t.params).length > 0 ? (
        <Text span c="dimmed" size="xs">
          {' '}
          {JSON.stringify(t.params)}
        </Text>
      ) : null}
    </Text>
  ));
}

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
      <QueryList
        query={routes}
        errorTitle="Could not load routes"
        isEmpty={(page) => page.data.length === 0}
        empty={{
          title: 'No routes',
          hint: admin
            ? 'Create one to spread calls over several models.'
            : 'Your admins have not created any.',
        }}
      >
        {(page) => (
          <Table.ScrollContainer type="native" tabIndex={0} pos="relative" minWidth={720}>
            <Table striped verticalSpacing={6} fz="sm" aria-label="Routes">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Scope</Table.Th>
                  <Table.Th>Strategy</Table.Th>
                  <Table.Th>Models</Table.Th>
                  <Table.Th>Cache</Table.Th>
                  <Table.Th>Description</Table.Th>
                  {admin ? <Table.Th>Actions</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.data.map((r) => (
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
                      <RouteModels route={r} />
                    </Table.Td>
                    <Table.Td>{r.cache_ttl_seconds ? `${r.cache_ttl_seconds} s` : '—'}</Table.Td>
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
      </QueryList>
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
      <ConfirmModal
        opened={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        title="Delete this route?"
        confirmLabel="Delete route"
        busy={remove.isPending}
        onConfirm={(handlers) => deleting && remove.mutate(deleting.id, handlers)}
      >
        Calls that name <code>{deleting?.name}</code> as their model will fail with model_not_found.
      </ConfirmModal>
    </>
  );
}
