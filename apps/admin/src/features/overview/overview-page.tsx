import { AreaChart, BarChart } from '@mantine/charts';
import { Card, Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useActivity, type ActivityAction } from '../../api/activity-logs';
import { isAdmin, useMe } from '../../api/auth';
import { useBalance } from '../../api/credits';
import { useUsage, useUsageErrors, type UsageGroup } from '../../api/usage';
import { Empty, ErrorAlert, Loading, PageHeader } from '../../ui/feedback';
import { formatCredits, formatDateTime, formatNumber } from '../../ui/format';
import { compact } from './axis';
import { RANGES, rangeStart, toSeries, type Range } from './time-series';

const PROBLEMS: ActivityAction[] = [
  'COOLDOWN',
  'INVALID',
  'EXHAUSTED',
  'FAILOVER',
  'CIRCUIT_OPEN',
  'LOGIN_FAILED',
];

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fw={700} size="xl" mt={4}>
        {value}
      </Text>
      {hint ? (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      ) : null}
    </Paper>
  );
}

function ChartCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card withBorder radius="md" padding="md">
      <Title order={2} size="h5" mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

function SpendBy({
  title,
  rows,
  dimension,
}: {
  title: string;
  rows: UsageGroup[];
  dimension: 'model' | 'provider' | 'key';
}) {
  const sorted = [...rows].sort((a, b) => Number(b.cost) - Number(a.cost)).slice(0, 6);
  return (
    <ChartCard title={title}>
      {sorted.length === 0 ? (
        <Text c="dimmed" size="sm">
          No calls in this range.
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>
                {dimension === 'key' ? 'API key' : dimension === 'model' ? 'Model' : 'Provider'}
              </Table.Th>
              <Table.Th ta="right">Requests</Table.Th>
              <Table.Th ta="right">Credits</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((r) => {
              const name = (dimension === 'key' ? r.key : r[dimension]) ?? '(session / no key)';
              return (
                <Table.Tr key={name}>
                  <Table.Td style={{ wordBreak: 'break-all' }}>
                    {dimension === 'key' && r.key ? `${r.key.slice(0, 8)}…` : name}
                  </Table.Td>
                  <Table.Td ta="right">{formatNumber(r.requests)}</Table.Td>
                  <Table.Td ta="right">{formatCredits(r.cost)}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </ChartCard>
  );
}

export default function OverviewPage() {
  const [range, setRange] = useState<Range>('7d');
  const me = useMe();
  // The range's start is fixed when the range is picked, so the query key stays stable.
  const from = useMemo(() => rangeStart(range).toISOString(), [range]);
  const series = useUsage({ from, group_by: RANGES[range].bucket });
  const byModel = useUsage({ from, group_by: 'model' });
  const byProvider = useUsage({ from, group_by: 'provider' });
  const byKey = useUsage({ from, group_by: 'key' });
  const balance = useBalance();
  const failed = useUsageErrors(from);
  // The activity log is for admins (the API refuses members).
  const problems = useActivity(
    { limit: 6, offset: 0, action: PROBLEMS, from },
    { enabled: isAdmin(me.data?.user.role) },
  );

  const role = me.data?.user.role;
  const scope =
    role === 'platform_admin'
      ? 'the whole platform'
      : role === 'tenant_admin'
        ? `tenant ${me.data?.tenant.name}`
        : 'your own calls';
  const points = useMemo(() => (series.data ? toSeries(series.data.data, range) : []), [series.data, range]);
  const totals = series.data?.totals;

  return (
    <>
      <PageHeader
        title="Overview"
        description={`Usage of ${scope}.`}
        actions={
          <SegmentedControl
            aria-label="Time range"
            value={range}
            onChange={(v) => setRange(v)}
            data={(Object.keys(RANGES) as Range[]).map((r) => ({ value: r, label: RANGES[r].label }))}
          />
        }
      />
      <Stack gap="md">
        <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }} spacing="sm">
          <Stat
            label="Balance"
            value={balance.data ? formatCredits(balance.data.balance) : '…'}
            hint={
              balance.data && balance.data.reserved !== '0'
                ? `${formatCredits(balance.data.reserved)} reserved`
                : 'credits'
            }
          />
          <Stat label="Spend" value={totals ? formatCredits(totals.cost) : '…'} hint="credits" />
          <Stat label="Requests" value={totals ? formatNumber(totals.requests) : '…'} />
          <Stat
            label="Tokens"
            value={totals ? formatNumber(Number(totals.input_tokens) + Number(totals.output_tokens)) : '…'}
            hint="in + out"
          />
          <Stat
            label="Error rate"
            value={
              totals
                ? totals.requests
                  ? `${((totals.errors / totals.requests) * 100).toFixed(1)} %`
                  : '0 %'
                : '…'
            }
            hint={totals ? `${formatNumber(totals.errors)} failed` : undefined}
          />
          <Stat
            label="Latency p50 / p95"
            value={
              totals
                ? `${formatNumber(totals.p50_latency_ms)} / ${formatNumber(totals.p95_latency_ms)} ms`
                : '…'
            }
            hint={
              totals?.avg_ttft_ms != null ? `first token ${formatNumber(totals.avg_ttft_ms)} ms` : undefined
            }
          />
        </SimpleGrid>
        {series.isError ? <ErrorAlert error={series.error} title="Could not load usage" /> : null}
        {series.isPending ? (
          <Loading label="Loading usage…" />
        ) : totals && totals.requests === 0 ? (
          <Paper withBorder p="md" radius="md">
            <Empty title="No calls in this range yet">
              Create an API key and call /v1/chat/completions, or try the playground.
            </Empty>
          </Paper>
        ) : (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <ChartCard title="Spend (credits)">
              <AreaChart
                h={200}
                data={points}
                dataKey="label"
                series={[{ name: 'spend', label: 'Credits', color: 'indigo.6' }]}
                valueFormatter={compact}
                yAxisProps={{ width: 68 }}
                curveType="monotone"
                withDots={false}
              />
            </ChartCard>
            <ChartCard title="Requests">
              <BarChart
                h={200}
                data={points}
                dataKey="label"
                series={[{ name: 'requests', label: 'Requests', color: 'teal.6' }]}
              />
            </ChartCard>
            <ChartCard title="Tokens">
              <AreaChart
                h={200}
                data={points}
                dataKey="label"
                series={[{ name: 'tokens', label: 'Tokens', color: 'grape.6' }]}
                valueFormatter={compact}
                yAxisProps={{ width: 68 }}
                curveType="monotone"
                withDots={false}
              />
            </ChartCard>
            <ChartCard title="Error rate (%)">
              <AreaChart
                h={200}
                data={points}
                dataKey="label"
                series={[{ name: 'errorRate', label: 'Errors %', color: 'red.6' }]}
                curveType="linear"
                withDots={false}
              />
            </ChartCard>
          </SimpleGrid>
        )}
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
          <SpendBy title="Spend by model" rows={byModel.data?.data ?? []} dimension="model" />
          <SpendBy title="Spend by provider" rows={byProvider.data?.data ?? []} dimension="provider" />
          <SpendBy title="Spend by API key" rows={byKey.data?.data ?? []} dimension="key" />
        </SimpleGrid>
        <ChartCard title="Last failed calls">
          {failed.isError ? (
            <ErrorAlert error={failed.error} />
          ) : failed.data && failed.data.data.length === 0 ? (
            <Text c="dimmed" size="sm">
              No call failed in this range.
            </Text>
          ) : (
            <Table fz="sm" verticalSpacing={4} aria-label="Last failed calls">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Model</Table.Th>
                  <Table.Th>What</Table.Th>
                  <Table.Th>Request id</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {failed.data?.data.map((e) => (
                  <Table.Tr key={e.request_id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.time)}</Table.Td>
                    <Table.Td style={{ wordBreak: 'break-all' }}>
                      {e.provider}/{e.model}
                    </Table.Td>
                    <Table.Td>
                      {e.status === 'aborted' ? 'aborted by the client' : (e.error_class ?? 'error')}
                    </Table.Td>
                    <Table.Td style={{ wordBreak: 'break-all' }}>
                      <code>{e.request_id}</code>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </ChartCard>
        {isAdmin(role) ? (
          <ChartCard title="Key failures, failovers and failed sign-ins">
            {problems.isError ? (
              <ErrorAlert error={problems.error} />
            ) : problems.data && problems.data.data.length === 0 ? (
              <Text c="dimmed" size="sm">
                No key failures, failovers or failed sign-ins in this range.
              </Text>
            ) : (
              <Stack gap={6}>
                {problems.data?.data.map((e) => (
                  <Group key={e.id} gap="sm" wrap="nowrap" align="flex-start">
                    <Text size="xs" c="dimmed" w={130} style={{ flexShrink: 0 }}>
                      {formatDateTime(e.time)}
                    </Text>
                    <Text size="sm" fw={600} w={110} style={{ flexShrink: 0 }}>
                      {e.action}
                    </Text>
                    <Text size="sm">{e.description}</Text>
                  </Group>
                ))}
              </Stack>
            )}
          </ChartCard>
        ) : null}
      </Stack>
    </>
  );
}
