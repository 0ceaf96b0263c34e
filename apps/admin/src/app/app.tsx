import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../api/http';
import { getAccessToken, mayHaveSession, onSessionChange, refreshSession } from '../api/session';
import { SignInPage } from '../features/sign-in/sign-in-page';
import { Loading } from '../ui/feedback';
import { Shell } from './shell';
import { colorSchemeManager, cssVariablesResolver, theme } from './theme';

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        // A 4xx will not go away by asking again.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
    },
  });
}

/** Boot: a refresh cookie from an earlier visit signs in silently; otherwise the sign-in screen. */
function Session({ client }: { client: QueryClient }) {
  const [state, setState] = useState<'checking' | 'in' | 'out'>(getAccessToken() ? 'in' : 'checking');
  useEffect(() => {
    const off = onSessionChange((signedIn) => {
      if (!signedIn) client.clear();
      setState(signedIn ? 'in' : 'out');
    });
    if (!getAccessToken()) {
      if (mayHaveSession()) void refreshSession().then((ok) => setState(ok ? 'in' : 'out'));
      else setState('out');
    }
    return () => {
      off();
    };
  }, [client]);
  if (state === 'checking') return <Loading label="Opening the console…" />;
  return state === 'in' ? <Shell /> : <SignInPage />;
}

export function App() {
  const [client] = useState(makeQueryClient);
  return (
    <MantineProvider
      theme={theme}
      defaultColorScheme="auto"
      colorSchemeManager={colorSchemeManager}
      cssVariablesResolver={cssVariablesResolver}
    >
      <Notifications position="top-right" />
      <QueryClientProvider client={client}>
        <Session client={client} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
