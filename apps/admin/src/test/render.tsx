import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { theme } from '../app/theme';

function Providers({ children }: { children: ReactNode }) {
  return <MantineProvider theme={theme}>{children}</MantineProvider>;
}

/** Renders a component the way the console does (Mantine theme), for component tests; rerender keeps it. */
export function renderUi(ui: ReactElement) {
  return render(ui, { wrapper: Providers });
}
