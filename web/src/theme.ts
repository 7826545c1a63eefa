import { type CSSVariablesResolver, createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'blue',
  // Filled controls use the darkest shade: white text on them keeps a 4.5:1 contrast (axe color-contrast).
  primaryShade: 9,
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
});

/** Text tones darker than Mantine's defaults for small text: each keeps 4.5:1 on white and on its tint. */
const TONES: Record<string, string> = {
  blue: 'var(--mantine-color-blue-9)',
  green: '#1a5c2a',
  red: '#a61e1e',
  orange: '#a33b0c',
  yellow: '#7a5000',
  teal: '#0b6b58',
  gray: 'var(--mantine-color-gray-8)',
};

/**
 * Mantine writes its colour variables in a style tag at run time, after our stylesheet, so overrides go
 * through its resolver: secondary ("dimmed") text, the text of light and outline badges and alerts, hover tints.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => {
  const light: Record<string, string> = { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' };
  for (const [color, tone] of Object.entries(TONES)) {
    light[`--mantine-color-${color}-light-color`] = tone;
    light[`--mantine-color-${color}-outline`] = tone;
    // Hovered subtle buttons and nav links: the paler tint keeps the dark text readable.
    light[`--mantine-color-${color}-light-hover`] = `var(--mantine-color-${color}-1)`;
  }
  return { variables: {}, light, dark: {} };
};
