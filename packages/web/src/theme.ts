import {
  ActionIcon,
  Card,
  type CSSVariablesResolver,
  createTheme,
  type MantineColorsTuple,
  Paper,
  SegmentedControl,
  Table,
  Tooltip,
} from '@mantine/core';

/** A cool slate dark palette (Mantine's default dark is a neutral grey). */
const slate: MantineColorsTuple = [
  '#d3d8e0',
  '#a7aebb',
  '#7d8596',
  '#5c6476',
  '#3b4252',
  '#2b313d',
  '#222732',
  '#1a1e27',
  '#14171e',
  '#0f1116',
];

const systemFonts =
  'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", Arial, sans-serif';

/** The Lab Manager look: indigo accent, slate dark mode, dense tables with tabular figures. */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 6, dark: 5 },
  colors: { dark: slate },
  defaultRadius: 'md',
  fontFamily: systemFonts,
  fontFamilyMonospace:
    'ui-monospace, "SF Mono", "JetBrains Mono", "Cascadia Mono", Menlo, Consolas, monospace',
  headings: { fontFamily: systemFonts, fontWeight: '650' },
  cursorType: 'pointer',
  components: {
    ActionIcon: ActionIcon.extend({ defaultProps: { variant: 'default', size: 'lg' } }),
    Card: Card.extend({ defaultProps: { withBorder: true, radius: 'md', padding: 'lg' } }),
    Paper: Paper.extend({ defaultProps: { radius: 'md' } }),
    SegmentedControl: SegmentedControl.extend({ defaultProps: { radius: 'md' } }),
    Table: Table.extend({
      defaultProps: { tabularNums: true, verticalSpacing: 8, horizontalSpacing: 10, highlightOnHover: true },
    }),
    Tooltip: Tooltip.extend({ defaultProps: { openDelay: 250, withArrow: true } }),
  },
});

/**
 * App colours that differ between light and dark. Declared through Mantine
 * rather than CSS `light-dark()`, which the production CSS minifier rewrites
 * into variables that only work with its own `color-scheme` handling.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--lm-page-bg': t.colors.gray[1],
    '--lm-track-bg': t.colors.gray[2],
    '--lm-login-bg': t.colors.gray[0],
    '--lm-login-glow-1': 'rgba(76, 110, 245, 0.14)',
    '--lm-login-glow-2': 'rgba(21, 170, 191, 0.12)',
  },
  dark: {
    '--lm-page-bg': t.colors.dark[8],
    '--lm-track-bg': t.colors.dark[5],
    '--lm-login-bg': t.colors.dark[8],
    '--lm-login-glow-1': 'rgba(76, 110, 245, 0.2)',
    '--lm-login-glow-2': 'rgba(21, 170, 191, 0.14)',
  },
});
