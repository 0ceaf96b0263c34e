import {
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useMe } from '../../api/auth';
import { useTenants, type Tenant } from '../../api/tenants';
import {
  useChangeRole,
  useInviteUser,
  useSetUserStatus,
  useUsers,
  type InvitedUser,
  type User,
} from '../../api/users';
import { Empty, ErrorAlert, Loading, PageHeader, errorMessage } from '../../ui/feedback';
import { formatDateTime, relativeTime } from '../../ui/format';
import { fieldErrors } from '../../ui/form-errors';
import { Pager } from '../../ui/pager';
import { FormAlert } from '../../ui/resource-list';

const LIMIT = 50;
const STATUS_COLOR = { active: 'green', invited: 'blue', disabled: 'gray' } as const;

function InviteForm({
  platform,
  tenants,
  tenantId: initialTenant,
  onDone,
}: {
  platform: boolean;
  tenants: Tenant[];
  tenantId: string | null;
  onDone: (u: InvitedUser) => void;
}) {
  const invite = useInviteUser();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<User['role']>('member');
  const [tenantId, setTenantId] = useState<string | null>(initialTenant);
  const errors = fieldErrors(invite.error, ['email', 'name', 'role', 'tenant_id']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate(
      {
        email: email.trim(),
        role,
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(platform && tenantId ? { tenant_id: tenantId } : {}),
      },
      { onSuccess: onDone },
    );
  };
  const roles = [
    { value: 'member', label: 'Member' },
    { value: 'tenant_admin', label: 'Tenant admin' },
    ...(platform ? [{ value: 'platform_admin', label: 'Platform admin' }] : []),
  ];
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <FormAlert message={errors.form} />
        <TextInput
          label="Email"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={errors.field.email}
          data-autofocus
        />
        <TextInput
          label="Name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.field.name}
        />
        {platform ? (
          <Select
            label="Tenant"
            description="Empty: your own."
            data={tenants.map((t) => ({ value: t.id, label: t.name }))}
            value={tenantId}
            onChange={setTenantId}
            clearable
            searchable
            error={errors.field.tenant_id}
          />
        ) : null}
        <Select
          label="Role"
          data={roles}
          value={role}
          onChange={(v) => setRole((v ?? 'member') as User['role'])}
          allowDeselect={false}
          error={errors.field.role}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={invite.isPending} disabled={!email.trim()}>
            Invite
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export default function UsersPage() {
  const me = useMe();
  const platform = me.data?.user.role === 'platform_admin';
  const [offset, setOffset] = useState(0);
  const [tenantFilter, setTenantFilter] = useState<string | null>(null);
  // The platform admin lists every tenant's users; the tenant list names them and filters.
  const tenants = useTenants(200, 0, platform);
  const tenantList = tenants.data?.data ?? [];
  const tenantName = (id: string) => tenantList.find((t) => t.id === id)?.name ?? id.slice(0, 8);
  const list = useUsers(LIMIT, offset, tenantFilter ?? undefined);
  const role = useChangeRole();
  const status = useSetUserStatus();
  const [inviting, setInviting] = useState(false);
  const [invited, setInvited] = useState<InvitedUser>();
  const onError = (err: unknown) => notifications.show({ color: 'red', message: errorMessage(err) });
  const acceptUrl = invited?.invite_token ? `${window.location.origin}/api/v1/auth/accept-invite` : '';

  return (
    <>
      <PageHeader
        title="Users"
        description={
          platform ? 'Every user of every tenant.' : `Users of ${me.data?.tenant.name ?? 'your tenant'}.`
        }
        actions={<Button onClick={() => setInviting(true)}>Invite user</Button>}
      />
      {platform ? (
        <Group mb="sm">
          <Select
            label="Tenant"
            placeholder="All tenants"
            data={tenantList.map((t) => ({ value: t.id, label: t.name }))}
            value={tenantFilter}
            onChange={(v) => {
              setTenantFilter(v);
              setOffset(0);
            }}
            clearable
            searchable
            w={280}
          />
        </Group>
      ) : null}
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorAlert error={list.error} title="Could not load users" />
      ) : list.data.total === 0 ? (
        <Empty title="No users">{tenantFilter ? 'None in this tenant.' : undefined}</Empty>
      ) : (
        <>
          <Table.ScrollContainer type="native" tabIndex={0} pos="relative" minWidth={720}>
            <Table striped verticalSpacing={6} fz="sm" aria-label="Users">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Name</Table.Th>
                  {platform ? <Table.Th>Tenant</Table.Th> : null}
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Last sign-in</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.data.map((u) => {
                  const self = u.id === me.data?.user.id;
                  return (
                    <Table.Tr key={u.id}>
                      <Table.Td fw={600}>{u.email}</Table.Td>
                      <Table.Td>{u.name}</Table.Td>
                      {platform ? <Table.Td>{tenantName(u.tenant_id)}</Table.Td> : null}
                      <Table.Td>
                        <Select
                          aria-label={`Role of ${u.email}`}
                          size="xs"
                          w={150}
                          disabled={self}
                          data={[
                            { value: 'member', label: 'Member' },
                            { value: 'tenant_admin', label: 'Tenant admin' },
                            ...(platform ? [{ value: 'platform_admin', label: 'Platform admin' }] : []),
                          ]}
                          value={u.role}
                          allowDeselect={false}
                          onChange={(v) =>
                            v &&
                            v !== u.role &&
                            role.mutate({ id: u.id, role: v as User['role'] }, { onError })
                          }
                        />
                      </Table.Td>
                      <Table.Td>
                        <Badge color={STATUS_COLOR[u.status]} variant="light" size="sm">
                          {u.status}
                        </Badge>
                      </Table.Td>
                      <Table.Td title={formatDateTime(u.last_login_at)}>
                        {relativeTime(u.last_login_at)}
                      </Table.Td>
                      <Table.Td>
                        {self ? (
                          <Text size="xs" c="dimmed">
                            you
                          </Text>
                        ) : (
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            color={u.status === 'disabled' ? undefined : 'red'}
                            onClick={() =>
                              status.mutate(
                                { id: u.id, status: u.status === 'disabled' ? 'active' : 'disabled' },
                                { onError },
                              )
                            }
                          >
                            {u.status === 'disabled' ? 'Enable' : 'Disable'}
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager total={list.data.total} limit={LIMIT} offset={offset} onOffset={setOffset} label="users" />
        </>
      )}
      <Modal opened={inviting} onClose={() => setInviting(false)} title="Invite a user">
        <InviteForm
          platform={platform}
          tenants={tenantList}
          tenantId={tenantFilter}
          onDone={(u) => {
            setInviting(false);
            setInvited(u);
          }}
        />
      </Modal>
      <Modal
        opened={invited !== undefined}
        onClose={() => setInvited(undefined)}
        title="Invitation created"
        size="lg"
      >
        {invited ? (
          <Stack>
            <Text>
              Send <b>{invited.email}</b> this one-time token. They set their password with it at{' '}
              <Code>{acceptUrl}</Code>
              {invited.invite_expires_at ? ` before ${formatDateTime(invited.invite_expires_at)}` : ''}.
            </Text>
            <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="invite-token">
              {invited.invite_token}
            </Code>
            <Group justify="flex-end">
              <CopyButton value={invited.invite_token ?? ''}>
                {({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy token'}</Button>}
              </CopyButton>
            </Group>
          </Stack>
        ) : null}
      </Modal>
    </>
  );
}
