import {
  Badge,
  Button,
  Code,
  Drawer,
  Group,
  MultiSelect,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import {
  downloadActivityCsv,
  useActivity,
  type ActivityAction,
  type ActivityEntry,
} from '../../api/activity-logs';
import { Empty, ErrorAlert, Loading, PageHeader, errorMessage } from '../../ui/feedback';
import { formatDateTime } from '../../ui/format';
import { Pager } from '../../ui/pager';
import { saveFile } from '../credits/csv';

const LIMIT = 50;
/** Every action the API lists (a Record, so a new action in the OpenAPI types fails the build until it is here). */
const ACTION_FILTERS: Record<ActivityAction, true> = {
  ADD: true,
  DELETE: true,
  SELECT: true,
  UNSELECT: true,
  IMPORT: true,
  TEST: true,
  COOLDOWN: true,
  INVALID: true,
  EXHAUSTED: true,
  FAILOVER: true,
  CIRCUIT_OPEN: true,
  CIRCUIT_CLOSE: true,
  LOGIN_SUCCEEDED: true,
  LOGIN_FAILED: true,
  API_KEY_CREATED: true,
  API_KEY_REVOKED: true,
  USER_CREATED: true,
  ROLE_CHANGED: true,
  CREDITS_GRANTED: true,
  TRANSFER: true,
  PROVIDER_CREATED: true,
  PROVIDER_UPDATED: true,
  PROVIDER_DELETED: true,
};
const ACTIONS = Object.keys(ACTION_FILTERS) as ActivityAction[];
const DANGER = new Set<ActivityAction>([
  'INVALID',
  'EXHAUSTED',
  'CIRCUIT_OPEN',
  'LOGIN_FAILED',
  'DELETE',
  'API_KEY_REVOKED',
]);
const WARN = new Set<ActivityAction>(['COOLDOWN', 'FAILOVER', 'UNSELECT']);

function color(action: ActivityAction): string {
  return DANGER.has(action) ? 'red' : WARN.has(action) ? 'orange' : 'blue';
}

function Detail({ entry }: { entry: ActivityEntry }) {
  const rows: Array<[string, string | null | undefined]> = [
    ['Time', formatDateTime(entry.time)],
    ['Action', entry.action],
    ['Actor', `${entry.actor.type}${entry.actor.label ? `: ${entry.actor.label}` : ''}`],
    ['Provider', entry.provider],
    ['Key', entry.key_hint],
    ['Request id', entry.request_id],
    ['IP address', entry.ip],
    ['Tenant', entry.tenant_id],
  ];
  return (
    <Stack gap="sm">
      <Text>{entry.description}</Text>
      <Table fz="sm" verticalSpacing={4}>
        <Table.Tbody>
          {rows
            .filter(([, v]) => v)
            .map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Th w={110}>{k}</Table.Th>
                <Table.Td style={{ wordBreak: 'break-all' }}>{v}</Table.Td>
              </Table.Tr>
            ))}
        </Table.Tbody>
      </Table>
      {entry.metadata && Object.keys(entry.metadata).length ? (
        <>
          <Text size="sm" fw={600}>
            Details
          </Text>
          <Code block>{JSON.stringify(entry.metadata, null, 2)}</Code>
        </>
      ) : null}
    </Stack>
  );
}

export default function ActivityPage() {
  const [offset, setOffset] = useState(0);
  const [actions, setActions] = useState<string[]>([]);
  const [provider, setProvider] = useState('');
  const [actor, setActor] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [open, setOpen] = useState<ActivityEntry>();
  const [exporting, setExporting] = useState(false);
  const filters = {
    ...(actions.length ? { action: actions as ActivityAction[] } : {}),
    ...(provider.trim() ? { provider: provider.trim() } : {}),
    ...(actor.trim() ? { actor: actor.trim() } : {}),
    ...(from ? { from: new Date(from).toISOString() } : {}),
    ...(to ? { to: new Date(to).toISOString() } : {}),
  };
  const list = useActivity({ limit: LIMIT, offset, ...filters });
  const reset =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setOffset(0);
    };
  const exportCsv = async () => {
    setExporting(true);
    try {
      saveFile(await downloadActivityCsv(filters), 'switchyard-activity.csv');
    } catch (err) {
      notifications.show({ color: 'red', title: 'Export failed', message: errorMessage(err) });
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Activity log"
        description="Every key, login, credit and failover event, newest first."
        actions={
          <Button variant="default" onClick={() => void exportCsv()} loading={exporting}>
            Export CSV
          </Button>
        }
      />
      <Group mb="sm" align="flex-end" wrap="wrap">
        <MultiSelect
          label="Actions"
          placeholder="Any action"
          data={ACTIONS}
          value={actions}
          onChange={reset(setActions)}
          clearable
          searchable
          w={260}
        />
        <TextInput
          label="Provider"
          placeholder="e.g. openai"
          value={provider}
          onChange={(e) => reset(setProvider)(e.currentTarget.value)}
          w={150}
        />
        <TextInput
          label="Actor"
          placeholder="email or id"
          value={actor}
          onChange={(e) => reset(setActor)(e.currentTarget.value)}
          w={190}
        />
        <TextInput
          label="From"
          type="datetime-local"
          value={from}
          onChange={(e) => reset(setFrom)(e.currentTarget.value)}
        />
        <TextInput
          label="To"
          type="datetime-local"
          value={to}
          onChange={(e) => reset(setTo)(e.currentTarget.value)}
        />
      </Group>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorAlert error={list.error} title="Could not load the activity log" />
      ) : list.data.total === 0 ? (
        <Empty title="No events">Nothing matches these filters.</Empty>
      ) : (
        <>
          <Table.ScrollContainer type="native" tabIndex={0} pos="relative" minWidth={760}>
            <Table striped highlightOnHover verticalSpacing={6} fz="sm" aria-label="Activity">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Actor</Table.Th>
                  <Table.Th>Provider</Table.Th>
                  <Table.Th>Description</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.data.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Button
                        variant="subtle"
                        size="compact-sm"
                        onClick={() => setOpen(e)}
                        aria-label={`Details of ${e.action} at ${formatDateTime(e.time)}`}
                      >
                        {formatDateTime(e.time)}
                      </Button>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={color(e.action)} variant="light" size="sm">
                        {e.action}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{e.actor.label ?? e.actor.type}</Table.Td>
                    <Table.Td>{e.provider ?? ''}</Table.Td>
                    <Table.Td>{e.description}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager total={list.data.total} limit={LIMIT} offset={offset} onOffset={setOffset} label="events" />
        </>
      )}
      <Drawer
        opened={open !== undefined}
        onClose={() => setOpen(undefined)}
        title={open ? `${open.action}` : ''}
        position="right"
        size="md"
      >
        {open ? <Detail entry={open} /> : null}
      </Drawer>
    </>
  );
}
