import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { signIn } from '../../api/auth';
import { ApiError } from '../../api/http';
import { lastEndReason } from '../../api/session';

/** What a person should read for each way sign-in can fail. */
export function signInMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'account_disabled')
      return 'This account is disabled. Ask an administrator to enable it.';
    if (error.status === 429) {
      const wait = error.retryAfterSeconds
        ? ` Try again in ${Math.ceil(error.retryAfterSeconds / 60)} min.`
        : ' Try again later.';
      return `Too many failed sign-ins for this account: it is locked for now.${wait}`;
    }
    if (error.status === 401) return 'Incorrect email or password.';
    if (error.status === 400) return error.message;
    return `The gateway could not sign you in (${error.status}): ${error.message}`;
  }
  return 'The gateway did not answer. Check that it is running and try again.';
}

/** Secure cookies are kept on https and on localhost only: elsewhere a reload signs you out. */
function insecureOrigin(): boolean {
  const { protocol, hostname } = window.location;
  return protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(hostname);
}

export function SignInPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const ended = lastEndReason();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setError(signInMessage(err));
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={400} radius="md">
        <form onSubmit={(e) => void submit(e)} noValidate aria-label="Sign in">
          <Stack>
            <Stack gap={2}>
              <Title order={1} size="h2">
                Switchyard
              </Title>
              <Text c="dimmed" size="sm">
                Sign in to the console.
              </Text>
            </Stack>
            {ended === 'expired' && !error ? (
              <Alert color="yellow" variant="light" role="status">
                Your session expired. Sign in again.
              </Alert>
            ) : null}
            {ended === 'signed_out' && !error ? (
              <Alert color="blue" variant="light" role="status">
                You are signed out.
              </Alert>
            ) : null}
            {error ? (
              <Alert color="red" variant="light" role="alert">
                {error}
              </Alert>
            ) : null}
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} disabled={!email || !password}>
              Sign in
            </Button>
            {insecureOrigin() ? (
              <Text size="xs" c="dimmed">
                This page is served over plain HTTP, so the browser will not keep your session across reloads.
                Serve the gateway over HTTPS.
              </Text>
            ) : null}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
