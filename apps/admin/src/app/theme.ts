import {
  Drawer,
  Modal,
  createTheme,
  defaultVariantColorsResolver,
  localStorageColorSchemeManager,
  type CSSVariablesResolver,
  type VariantColorsResolver,
} from '@mantine/core';

/** A readable shade of a color on either background (WCAG AA), for text and light badges. */
export function tone(color: string): string {
  return `light-dark(color-mix(in srgb, var(--mantine-color-${color}-9), black 35%), var(--mantine-color-${color}-2))`;
}

/** Light badges and buttons keep Mantine's tinted background with text dark enough to read. */
const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  if (input.variant === 'light' && input.color && !input.color.includes('.')) {
    return { ...colors, color: tone(input.color) };
  }
  return colors;
};

export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 7, dark: 7 },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  defaultRadius: 'md',
  variantColorResolver,
  components: {
    // The × of dialogs needs a name for screen readers.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
  },
});

/** Only the light/dark choice is kept in localStorage; no token ever is. */
export const colorSchemeManager = localStorageColorSchemeManager({ key: 'switchyard-color-scheme' });

/** Mantine's dimmed text is below WCAG AA contrast on both backgrounds; these pass (4.5:1 and up). */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)' },
});
