import { Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useReadiness } from '../../api/health';
import { useProviderKeys } from '../../api/provider-keys';
import { ErrorAlert, Loading, PageHeader } from '../../ui/feedback';
import { formatDateTime } from '../../ui/format';

const COLOR = { up: 'green', degraded: 'orange', down: 'red' } as const;

interface Breaker {
  provider?: string;
  model?: string;
  endpoint?: string;
  state?: string;
  opened_at?: string;
  openedAt?: string;
}

export default function HealthPage() {
  const ready = useReadiness();
  const keys = useProviderKeys(200, 0);
  const byProvider = new Map<string, Record<string, number>>();
  for (const k of keys.data?.data ?? []) {
    const counts = byProvider.get(k.provider) ?? {};
    counts[k.status] = (counts[k.status] ?? 0) + 1;
    byProvider.set(k.provider, counts);
  }
  const circuits = ready.data?.details.circuits as { breakers?: Breaker[]; tracked?: number } | undefined;

  return (
    <>
      <PageHeader
        title="System health"
        description="This instance's readiness, refreshed every 10 seconds."
      />
      {ready.isPending ? (
        <Loading />
      ) : ready.isError ? (
        <ErrorAlert error={ready.error} title="The gateway did not answer" />
      ) : (
        <Stack gap="md">
          <Group>
            <Text fw={600}>Overall:</Text>
            <Badge size="lg" color={ready.data.status === 'ok' ? 'green' : 'red'} variant="light">
              {ready.data.status}
            </Badge>
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            {Object.entries(ready.data.details).map(([name, check]) => (
              <Card withBorder radius="md" key={name}>
                <Group justify="space-between">
                  <Text fw={600}>{name}</Text>
                  <Badge color={COLOR[check.status] ?? 'gray'} variant="light">
                    {check.status}
                  </Badge>
                </Group>
                {typeof check.responseTime === 'number' ? (
                  <Text size="sm" c="dimmed">
                    answered in {check.responseTime} ms
                  </Text>
                ) : null}
                {typeof check.message === 'string' ? <Text size="sm">{check.message}</Text> : null}
                {name === 'circuits' ? (
                  <Text size="sm" c="dimmed">
                    {Number(check.open ?? 0)} of {Number(check.tracked ?? 0)} circuits not closed
                  </Text>
                ) : null}
              </Card>
            ))}
          </SimpleGrid>
          <Card withBorder radius="md">
            <Title order={2} size="h4" mb="sm">
              Circuit breakers
            </Title>
            {circuits?.breakers?.length ? (
              <Table fz="sm" aria-label="Circuit breakers">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Provider</Table.Th>
                    <Table.Th>Model</Table.Th>
                    <Table.Th>Endpoint</Table.Th>
                    <Table.Th>State</Table.Th>
                    <Table.Th>Opened</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {circuits.breakers.map((b, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>{b.provider}</Table.Td>
                      <Table.Td>{b.model}</Table.Td>
                      <Table.Td style={{ wordBreak: 'break-all' }}>{b.endpoint}</Table.Td>
                      <Table.Td>
                        <Badge color={b.state === 'open' ? 'red' : 'orange'} variant="light" size="sm">
                          {b.state}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{formatDateTime(b.opened_at ?? b.openedAt)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            ) : (
              <Text size="sm" c="dimmed">
                Every circuit is closed: no model is being skipped.
              </Text>
            )}
          </Card>
          <Card withBorder radius="md">
            <Title order={2} size="h4" mb="sm">
              Provider keys by provider
            </Title>
            {keys.isError ? (
              <ErrorAlert error={keys.error} />
            ) : byProvider.size === 0 ? (
              <Text size="sm" c="dimmed">
                No keys in the vault; calls use the keys from the environment.
              </Text>
            ) : (
              <Table fz="sm" aria-label="Key health">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Provider</Table.Th>
                    <Table.Th ta="right">Active</Table.Th>
                    <Table.Th ta="right">Cooling down</Table.Th>
                    <Table.Th ta="right">Invalid</Table.Th>
                    <Table.Th ta="right">Disabled</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {[...byProvider].map(([provider, c]) => (
                    <Table.Tr key={provider}>
                      <Table.Td>{provider}</Table.Td>
                      <Table.Td ta="right">{c.active ?? 0}</Table.Td>
                      <Table.Td ta="right">{c.cooling_down ?? 0}</Table.Td>
                      <Table.Td ta="right">{c.invalid ?? 0}</Table.Td>
                      <Table.Td ta="right">{c.disabled ?? 0}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        </Stack>
      )}
    </>
  );
}
