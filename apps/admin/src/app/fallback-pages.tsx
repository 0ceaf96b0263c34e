import { Button, Stack, Text, Title } from '@mantine/core';
import { Link } from './router';

export function NotFound() {
  return (
    <Stack align="flex-start" gap="sm">
      <Title order={1} size="h2">
        Page not found
      </Title>
      <Text c="dimmed">There is no console page at this address.</Text>
      <Button component={Link} to="/">
        Go to the overview
      </Button>
    </Stack>
  );
}

export function Forbidden() {
  return (
    <Stack align="flex-start" gap="sm">
      <Title order={1} size="h2">
        Not available to your role
      </Title>
      <Text c="dimmed">This page is for administrators. Ask an admin of your tenant if you need access.</Text>
      <Button component={Link} to="/">
        Go to the overview
      </Button>
    </Stack>
  );
}
