import {
  ActionIcon,
  AppShell,
  Badge,
  Burger,
  Group,
  Menu,
  Modal,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { Suspense, useEffect } from 'react';
import { signOut, useChangePassword, useMe, type Role } from '../api/auth';
import { ChangePasswordForm } from '../features/account/change-password-form';
import { ErrorAlert, Loading } from '../ui/feedback';
import { Forbidden, NotFound } from './fallback-pages';
import { Link, usePath } from './router';
import { routeFor, routes, type ScreenRoute } from './routes';

const GROUPS: Array<{ id: ScreenRoute['group']; label: string }> = [
  { id: 'use', label: 'Gateway' },
  { id: 'catalog', label: 'Catalog' },
  { id: 'admin', label: 'Administration' },
];

const ROLE_LABEL: Record<Role, string> = {
  platform_admin: 'Platform admin',
  tenant_admin: 'Tenant admin',
  member: 'Member',
};

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} theme`}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={`Switch to ${next} theme`}
        onClick={() => setColorScheme(next)}
      >
        <span aria-hidden="true">{scheme === 'dark' ? '☀' : '☾'}</span>
      </ActionIcon>
    </Tooltip>
  );
}

export function Shell() {
  const path = usePath();
  const me = useMe();
  const [opened, { toggle, close }] = useDisclosure(false);
  const [changingPassword, passwordDialog] = useDisclosure(false);
  const changePassword = useChangePassword();
  const role = me.data?.user.role;
  const visible = routes.filter((r) => role && r.roles.includes(role));
  const route = routeFor(path);

  useEffect(() => {
    document.title = `${route?.label ?? 'Not found'} · Switchyard`;
  }, [route]);

  let content;
  if (me.isPending) content = <Loading />;
  else if (me.isError) content = <ErrorAlert error={me.error} title="Could not load your account" />;
  else if (!route) content = <NotFound />;
  else if (!role || !route.roles.includes(role)) content = <Forbidden />;
  else {
    const Screen = route.component;
    content = (
      <Suspense fallback={<Loading />}>
        <Screen />
      </Suspense>
    );
  }

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Link to="/" style={{ textDecoration: 'none', color: 'inherit' }} onClick={close}>
              <Text fw={700} size="lg">
                Switchyard
              </Text>
            </Link>
            {me.data ? (
              <Badge variant="light" visibleFrom="xs">
                {me.data.tenant.name}
              </Badge>
            ) : null}
          </Group>
          <Group gap="xs" wrap="nowrap">
            <ThemeToggle />
            <Menu position="bottom-end" width={240}>
              <Menu.Target>
                <UnstyledButton px="xs" py={4}>
                  <Stack gap={0} align="flex-end" visibleFrom="sm">
                    <Text size="sm" fw={600} truncate maw={220}>
                      {me.data?.user.email ?? '…'}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {role ? ROLE_LABEL[role] : ''}
                    </Text>
                  </Stack>
                  <Text size="sm" fw={600} hiddenFrom="sm">
                    Account
                  </Text>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {me.data?.user.email}
                  {role ? ` · ${ROLE_LABEL[role]}` : ''}
                </Menu.Label>
                <Menu.Item
                  onClick={() => {
                    changePassword.reset();
                    passwordDialog.open();
                  }}
                >
                  Change password
                </Menu.Item>
                <Menu.Divider />
                <Menu.Item onClick={() => void signOut(false)}>Sign out</Menu.Item>
                <Menu.Item color="red" onClick={() => void signOut(true)}>
                  Sign out everywhere
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <ScrollArea>
          {GROUPS.map((group) => {
            const items = visible.filter((r) => r.group === group.id);
            if (items.length === 0) return null;
            return (
              <Stack gap={2} mb="sm" key={group.id}>
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="xs">
                  {group.label}
                </Text>
                {items.map((r) => (
                  <NavLink
                    key={r.path}
                    component={Link}
                    to={r.path}
                    label={r.label}
                    active={r.path === path}
                    aria-current={r.path === path ? 'page' : undefined}
                    onClick={close}
                  />
                ))}
              </Stack>
            );
          })}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>{content}</AppShell.Main>
      <Modal opened={changingPassword} onClose={passwordDialog.close} title="Change your password">
        <ChangePasswordForm
          busy={changePassword.isPending}
          error={changePassword.error}
          onCancel={passwordDialog.close}
          onSubmit={(body) =>
            me.data &&
            changePassword.mutate(
              { ...body, email: me.data.user.email },
              {
                onSuccess: () => {
                  passwordDialog.close();
                  notifications.show({
                    color: 'green',
                    message: 'Password changed. Your other sessions are signed out.',
                  });
                },
              },
            )
          }
        />
      </Modal>
    </AppShell>
  );
}
