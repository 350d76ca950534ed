import {
  alpha,
  type MantineColor,
  type MantineTheme,
  useComputedColorScheme,
  useMantineTheme,
} from '@mantine/core';
import { useMemo } from 'react';

/**
 * Concrete colours for canvas drawing (a canvas cannot read CSS variables),
 * picked from the Mantine theme for the active colour scheme.
 */
export interface ChartPalette {
  scheme: 'light' | 'dark';
  text: string;
  grid: string;
  font: string;
  series(color: MantineColor): string;
  fill(color: MantineColor, opacity?: number): string;
}

export function chartPalette(theme: MantineTheme, scheme: 'light' | 'dark'): ChartPalette {
  const dark = scheme === 'dark';
  const series = (color: MantineColor) => theme.colors[color]?.[dark ? 4 : 6] ?? color;
  return {
    scheme,
    text: dark ? theme.colors.dark[1] : theme.colors.gray[7],
    grid: dark ? alpha(theme.colors.dark[3], 0.5) : theme.colors.gray[2],
    font: `11px ${theme.fontFamily ?? 'sans-serif'}`,
    series,
    fill: (color, opacity = dark ? 0.18 : 0.12) => alpha(series(color), opacity),
  };
}

export function useChartPalette(): ChartPalette {
  const theme = useMantineTheme();
  const scheme = useComputedColorScheme('light', { getInitialValueInEffect: false });
  return useMemo(() => chartPalette(theme, scheme), [theme, scheme]);
}
