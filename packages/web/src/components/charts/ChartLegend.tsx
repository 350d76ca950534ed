import { UnstyledButton } from '@mantine/core';
import type { ChartPalette } from './chart-theme.js';
import { type ChartUnit, formatChartValue, formatCursorTime } from './chart-units.js';
import type { ChartData, ChartSeries } from './TimeSeriesChart.js';
import classes from './TimeSeriesChart.module.css';

/** The newest non-empty value of a column. */
function lastValue(column: readonly (number | null)[] | undefined): number | null {
  if (!column) return null;
  for (let i = column.length - 1; i >= 0; i--) {
    const v = column[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

export interface ChartLegendProps {
  data: ChartData;
  series: readonly ChartSeries[];
  unit: ChartUnit;
  /** The hovered instant's index; null: show the latest values. */
  hoverIdx: number | null;
  hidden: ReadonlySet<number>;
  onToggle: (index: number) => void;
  palette: ChartPalette;
}

/**
 * Each series with its value at the hovered instant, or its latest; a click
 * hides or shows the series.
 */
export function ChartLegend({ data, series, unit, hoverIdx, hidden, onToggle, palette }: ChartLegendProps) {
  const times = data[0];
  const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
  const hoverTime = hoverIdx === null ? undefined : times[hoverIdx];
  return (
    <div className={classes.legend}>
      <span className={classes.legendTime}>
        {hoverTime === undefined ? 'Latest' : formatCursorTime(hoverTime, span)}
      </span>
      {series.map((s, i) => {
        const column = data[i + 1];
        const value = hoverIdx === null ? lastValue(column) : (column?.[hoverIdx] ?? null);
        const off = hidden.has(i);
        return (
          <UnstyledButton
            key={s.label}
            className={classes.legendItem}
            data-off={off || undefined}
            aria-pressed={!off}
            aria-label={`${off ? 'Show' : 'Hide'} ${s.label}`}
            onClick={() => onToggle(i)}
          >
            <span
              className={classes.swatch}
              data-dashed={s.dashed || undefined}
              style={{ '--swatch-color': palette.series(s.color) }}
            />
            <span className={classes.legendLabel}>{s.label}</span>
            <span className={classes.legendValue}>{formatChartValue(unit, value)}</span>
          </UnstyledButton>
        );
      })}
    </div>
  );
}
