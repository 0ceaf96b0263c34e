import {
  Button,
  Card,
  Grid,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import { isAdmin, useMe } from '../../api/auth';
import { useBalance, useGrant, useLedger, useTransfer, type LedgerKind } from '../../api/credits';
import { useUsage } from '../../api/usage';
import { useUsers } from '../../api/users';
import { tone } from '../../app/theme';
import { Empty, ErrorAlert, Loading, PageHeader } from '../../ui/feedback';
import { formatCredits, formatDateTime, formatNumber } from '../../ui/format';
import { Pager } from '../../ui/pager';
import { saveFile, toCsv } from './csv';
import { GrantForm } from './grant-form';
import { TransferForm } from './transfer-form';

const LIMIT = 25;
const KINDS: LedgerKind[] = [
  'grant',
  'purchase',
  'charge',
  'refund',
  'adjustment',
  'reservation',
  'release',
  'transfer',
];

function Ledger() {
  const [offset, setOffset] = useState(0);
  const [kind, setKind] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const filter = {
    limit: LIMIT,
    offset,
    ...(kind ? { kind: kind as LedgerKind } : {}),
    ...(from ? { from: new Date(`${from}T00:00:00Z`).toISOString() } : {}),
    ...(to ? { to: new Date(`${to}T23:59:59Z`).toISOString() } : {}),
  };
  const ledger = useLedger(filter);
  const reset =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setOffset(0);
    };
  return (
    <>
      <Group mb="sm" align="flex-end" wrap="wrap">
        <Select
          label="Kind"
          placeholder="Any kind"
          data={KINDS}
          value={kind}
          onChange={reset(setKind)}
          clearable
          w={170}
        />
        <TextInput
          label="From"
          type="date"
          value={from}
          onChange={(e) => reset(setFrom)(e.currentTarget.value)}
        />
        <TextInput label="To" type="date" value={to} onChange={(e) => reset(setTo)(e.currentTarget.value)} />
      </Group>
      {ledger.isPending ? (
        <Loading />
      ) : ledger.isError ? (
        <ErrorAlert error={ledger.error} title="Could not load the ledger" />
      ) : ledger.data.total === 0 ? (
        <Empty title="No ledger entries">Nothing matches these filters.</Empty>
      ) : (
        <>
          <Table.ScrollContainer type="native" tabIndex={0} pos="relative" minWidth={720}>
            <Table striped verticalSpacing={6} fz="sm" aria-label="Ledger">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                  <Table.Th ta="right">Balance after</Table.Th>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>Reason / request</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {ledger.data.data.map((e) => (
                  <Table.Tr key={e.id} data-kind={e.kind}>
                    <Table.Td>{formatDateTime(e.created_at)}</Table.Td>
                    <Table.Td>
                      <Text size="xs" fw={700} tt="uppercase">
                        {e.kind}
                      </Text>
                    </Table.Td>
                    <Table.Td
                      ta="right"
                      style={{
                        fontVariantNumeric: 'tabular-nums',
                        color: tone(e.amount.startsWith('-') ? 'red' : 'green'),
                      }}
                    >
                      {formatCredits(e.amount)}
                    </Table.Td>
                    <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                      {formatCredits(e.balance_after)}
                    </Table.Td>
                    <Table.Td>
                      {e.account_kind === 'tenant_pool' ? 'tenant pool' : (e.user_id?.slice(0, 8) ?? '')}
                    </Table.Td>
                    <Table.Td style={{ wordBreak: 'break-all' }}>{e.reason ?? e.request_id ?? ''}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager
            total={ledger.data.total}
            limit={LIMIT}
            offset={offset}
            onOffset={setOffset}
            label="entries"
          />
        </>
      )}
    </>
  );
}

function UsageTable() {
  const from = useMemo(() => new Date(Date.now() - 30 * 86_400_000).toISOString(), []);
  const usage = useUsage({ from, group_by: 'day,model' });
  const rows = usage.data?.data ?? [];
  const exportCsv = () => {
    const csv = toCsv(
      ['day', 'model', 'requests', 'errors', 'input_tokens', 'output_tokens', 'cost'],
      rows.map((r) => [r.day, r.model, r.requests, r.errors, r.input_tokens, r.output_tokens, r.cost]),
    );
    saveFile(new Blob([csv], { type: 'text/csv' }), `switchyard-usage-${from.slice(0, 10)}.csv`);
  };
  return (
    <>
      <Group justify="space-between" mb="sm">
        <Text size="sm" c="dimmed">
          The last 30 days, by day and model.
        </Text>
        <Button variant="default" size="sm" onClick={exportCsv} disabled={rows.length === 0}>
          Export CSV
        </Button>
      </Group>
      {usage.isPending ? (
        <Loading />
      ) : usage.isError ? (
        <ErrorAlert error={usage.error} />
      ) : rows.length === 0 ? (
        <Empty title="No usage in the last 30 days" />
      ) : (
        <Table.ScrollContainer type="native" tabIndex={0} pos="relative" minWidth={640}>
          <Table striped verticalSpacing={6} fz="sm" aria-label="Usage">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Day</Table.Th>
                <Table.Th>Model</Table.Th>
                <Table.Th ta="right">Requests</Table.Th>
                <Table.Th ta="right">Errors</Table.Th>
                <Table.Th ta="right">Tokens in / out</Table.Th>
                <Table.Th ta="right">Credits</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={`${r.day}-${r.model}`}>
                  <Table.Td>{r.day}</Table.Td>
                  <Table.Td>{r.model}</Table.Td>
                  <Table.Td ta="right">{formatNumber(r.requests)}</Table.Td>
                  <Table.Td ta="right">{formatNumber(r.errors)}</Table.Td>
                  <Table.Td ta="right">
                    {formatNumber(r.input_tokens)} / {formatNumber(r.output_tokens)}
                  </Table.Td>
                  <Table.Td ta="right">{formatCredits(r.cost)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}

export default function CreditsPage() {
  const me = useMe();
  const admin = isAdmin(me.data?.user.role);
  const balance = useBalance();
  const grant = useGrant();
  const transfer = useTransfer();
  const users = useUsers(200, 0, undefined, admin);
  const userOptions = (users.data?.data ?? []).map((u) => ({
    value: u.id,
    label: `${u.email} (${u.role.replace('_', ' ')})`,
  }));

  return (
    <>
      <PageHeader
        title="Credits"
        description="1 credit = 1,000,000 units; every change is one ledger entry."
      />
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm" mb="md">
        <Paper withBorder p="md" radius="md">
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            Your balance
          </Text>
          <Text fw={700} size="xl" data-testid="balance">
            {balance.data ? formatCredits(balance.data.balance) : '…'}
          </Text>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            Reserved by calls in flight
          </Text>
          <Text fw={700} size="xl">
            {balance.data ? formatCredits(balance.data.reserved) : '…'}
          </Text>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            Tenant pool
          </Text>
          <Text fw={700} size="xl">
            {balance.data?.tenant_pool ? formatCredits(balance.data.tenant_pool.balance) : '—'}
          </Text>
        </Paper>
      </SimpleGrid>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: admin ? 8 : 12 }}>
          <Tabs defaultValue="ledger" keepMounted={false}>
            <Tabs.List mb="sm">
              <Tabs.Tab value="ledger">Ledger</Tabs.Tab>
              <Tabs.Tab value="usage">Usage</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="ledger">
              <Ledger />
            </Tabs.Panel>
            <Tabs.Panel value="usage">
              <UsageTable />
            </Tabs.Panel>
          </Tabs>
        </Grid.Col>
        {admin ? (
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <Card withBorder radius="md">
              <Title order={2} size="h4" mb="sm">
                Grant credits
              </Title>
              <GrantForm
                users={userOptions}
                self={me.data ? { value: me.data.user.id, label: `${me.data.user.email} (you)` } : undefined}
                busy={grant.isPending}
                error={grant.error}
                onSubmit={(body, idempotencyKey) =>
                  grant.mutateAsync({ body, idempotencyKey }).then((entry) => {
                    notifications.show({
                      color: 'green',
                      message: `Granted ${formatCredits(entry.amount)} credits.`,
                    });
                  })
                }
              />
            </Card>
            <Card withBorder radius="md" mt="md">
              <Title order={2} size="h4" mb="sm">
                Transfer from the tenant pool
              </Title>
              <TransferForm
                users={userOptions}
                busy={transfer.isPending}
                error={transfer.error}
                onSubmit={(body, idempotencyKey) =>
                  transfer.mutateAsync({ body, idempotencyKey }).then(() => {
                    notifications.show({
                      color: 'green',
                      message: `Moved ${formatCredits(body.amount)} credits from the pool.`,
                    });
                  })
                }
              />
            </Card>
          </Grid.Col>
        ) : null}
      </Grid>
    </>
  );
}
