import { Badge, Table, Text } from '@mantine/core';
import { useRoutes } from '../../api/routes';
import { Empty, ErrorAlert, Loading, PageHeader } from '../../ui/feedback';

export default function RoutesPage() {
  const routes = useRoutes();
  return (
    <>
      <PageHeader
        title="Routes"
        description="Named virtual models: call one by its name as the model, and its strategy picks a target."
      />
      {routes.isPending ? (
        <Loading />
      ) : routes.isError ? (
        <ErrorAlert error={routes.error} title="Could not load routes" />
      ) : routes.data.data.length === 0 ? (
        <Empty title="No routes">Create them through POST /api/v1/routes (see /docs).</Empty>
      ) : (
        <Table.ScrollContainer type="native" tabIndex={0} minWidth={720}>
          <Table striped verticalSpacing={6} fz="sm" aria-label="Routes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Scope</Table.Th>
                <Table.Th>Strategy</Table.Th>
                <Table.Th>Targets</Table.Th>
                <Table.Th>Description</Table.Th>
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
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
