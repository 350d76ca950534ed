import type { MantineColor } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ChartLegend } from './ChartLegend.js';
import { type ChartPalette, useChartPalette } from './chart-theme.js';
import { type ChartUnit, chartMax, formatChartTick, formatTimeTick } from './chart-units.js';
import classes from './TimeSeriesChart.module.css';

export interface ChartSeries {
  label: string;
  color: MantineColor;
  /** Shade the area under the line. */
  fill?: boolean;
  dashed?: boolean;
}

/** Times (epoch seconds) first, then one column per series; null leaves a gap. */
export type ChartData = [number[], ...(number | null)[][]];

export interface TimeSeriesChartProps {
  data: ChartData;
  series: readonly ChartSeries[];
  unit: ChartUnit;
  /** What the chart shows, for assistive tech. */
  label: string;
  /** Plot height in px (legend excluded). @default 170 */
  height?: number;
  /** Fixed time span (epoch seconds); by default the data's. */
  xRange?: readonly [number, number];
  /** Makes the plot drag-selectable: called with the selected span (epoch seconds). */
  onZoom?: (from: number, to: number) => void;
  /** Charts with the same key share their hover cursor. */
  syncKey?: string;
  /** Shown over an empty plot. */
  emptyText?: string;
  testId?: string;
}

/**
 * A uPlot time series that follows its container's width and the colour
 * scheme. The uPlot instance is made once per look (scheme, series, unit) and
 * fed new data with `setData`, so a chart updated every second stays cheap.
 * The element exposes `data-points` (how many instants it plots) for tests.
 */
export function TimeSeriesChart({
  data,
  series,
  unit,
  label,
  height = 170,
  xRange,
  onZoom,
  syncKey,
  emptyText = 'No data yet',
  testId,
}: TimeSeriesChartProps) {
  const palette = useChartPalette();
  const plotRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  const [hoverIdx, setHoverIdx] = useState<number | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(() => new Set());
  // Read by uPlot's callbacks, which outlive a render.
  const latest = useRef({ data, xRange, onZoom });
  latest.current = { data, xRange, onZoom };

  const seriesKey = series.map((s) => `${s.label}|${s.color}|${s.fill}|${s.dashed}`).join(';');
  const zoomable = onZoom !== undefined;

  // Series are compared by their key: a parent re-creating the same array keeps the chart.
  // biome-ignore lint/correctness/useExhaustiveDependencies: seriesKey stands for series
  useEffect(() => {
    const target = plotRef.current;
    if (!target) return undefined;
    const opts = buildOptions({
      palette,
      series,
      unit,
      height,
      width: Math.max(target.clientWidth, 100),
      zoomable,
      syncKey,
      xRange: () => latest.current.xRange,
      onZoom: (from, to) => latest.current.onZoom?.(from, to),
      onHover: setHoverIdx,
    });
    const chart = new uPlot(opts, latest.current.data as uPlot.AlignedData, target);
    chartRef.current = chart;
    setHidden(new Set());
    const observer = new ResizeObserver(() => {
      const width = target.clientWidth;
      if (width > 0 && width !== chart.width) chart.setSize({ width, height });
    });
    observer.observe(target);
    return () => {
      observer.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
  }, [palette, seriesKey, unit, height, zoomable, syncKey]);

  // Fixed spans are read by the x scale's range function when the data is set.
  const xFrom = xRange?.[0];
  const xTo = xRange?.[1];
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new span must be applied even with the same data
  useEffect(() => {
    chartRef.current?.setData(data as uPlot.AlignedData);
  }, [data, xFrom, xTo]);

  const toggle = (index: number) => {
    const chart = chartRef.current;
    if (!chart) return;
    const next = new Set(hidden);
    if (next.has(index)) next.delete(index);
    else next.add(index);
    chart.setSeries(index + 1, { show: !next.has(index) });
    setHidden(next);
  };

  const points = data[0].length;
  return (
    <div className={classes.chart} data-points={points} data-unit={unit} data-testid={testId}>
      <div className={classes.plotArea} style={{ '--plot-height': `${height}px` }}>
        <div ref={plotRef} className={classes.plot} role="img" aria-label={label} />
        {points === 0 && <div className={classes.empty}>{emptyText}</div>}
      </div>
      <ChartLegend
        data={data}
        series={series}
        unit={unit}
        hoverIdx={hoverIdx}
        hidden={hidden}
        onToggle={toggle}
        palette={palette}
      />
    </div>
  );
}

interface BuildArgs {
  palette: ChartPalette;
  series: readonly ChartSeries[];
  unit: ChartUnit;
  width: number;
  height: number;
  zoomable: boolean;
  syncKey: string | undefined;
  xRange: () => readonly [number, number] | undefined;
  onZoom: (from: number, to: number) => void;
  onHover: (idx: number | null) => void;
}

function buildOptions(a: BuildArgs): uPlot.Options {
  const { palette } = a;
  const axis: uPlot.Axis = {
    stroke: palette.text,
    font: palette.font,
    grid: { stroke: palette.grid, width: 1 },
    ticks: { stroke: palette.grid, width: 1, size: 4 },
  };
  return {
    width: a.width,
    height: a.height,
    legend: { show: false },
    // Room on the right for the last time label, which uPlot centres on its tick.
    padding: [8, 28, 0, 0],
    cursor: {
      drag: { x: a.zoomable, y: false, setScale: false },
      points: { size: 6 },
      ...(a.syncKey ? { sync: { key: a.syncKey } } : {}),
    },
    select: { show: a.zoomable, left: 0, top: 0, width: 0, height: 0 },
    scales: {
      x: {
        time: true,
        range: (_u, min, max) => {
          const fixed = a.xRange();
          return fixed ? [fixed[0], fixed[1]] : [min, max];
        },
      },
      y: { range: (_u, _min, max) => [0, chartMax(a.unit, Number.isFinite(max) ? max : 0)] },
    },
    axes: [
      {
        ...axis,
        space: 70,
        values: (u, splits) => {
          const span = (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0);
          return splits.map((s) => formatTimeTick(s, span));
        },
      },
      {
        ...axis,
        space: 28,
        size: (_u, values) => {
          const longest = (values ?? []).reduce((n, v) => Math.max(n, String(v).length), 0);
          return Math.max(36, longest * 6.5 + 14);
        },
        values: (_u, splits) => splits.map((v) => formatChartTick(a.unit, v)),
      },
    ],
    series: [
      {},
      ...a.series.map(
        (s): uPlot.Series => ({
          label: s.label,
          stroke: palette.series(s.color),
          width: 1.5,
          fill: s.fill ? palette.fill(s.color) : undefined,
          dash: s.dashed ? [5, 4] : undefined,
          points: { show: false },
          spanGaps: false,
        }),
      ),
    ],
    hooks: {
      setCursor: [(u) => a.onHover(u.cursor.idx ?? null)],
      setSelect: [
        (u) => {
          if (u.select.width < 4) return;
          const from = u.posToVal(u.select.left, 'x');
          const to = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          a.onZoom(from, to);
        },
      ],
    },
  };
}
