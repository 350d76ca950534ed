import { alpha, type MantineColor, Tooltip } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { formatPercent } from '../../format/percent.js';
import classes from './CoreHeatmap.module.css';
import { type ChartPalette, useChartPalette } from './chart-theme.js';
import { formatCursorTime } from './chart-units.js';
import { heatmapLayout } from './heatmap-layout.js';

export interface CoreHeatmapProps {
  /** Epoch seconds of each column. */
  times: readonly number[];
  /** Per core, its busy share (0–100) at each time; null: not reported. */
  cores: readonly (readonly (number | null)[])[];
  /** Seconds the strip spans, ending at the newest time. */
  windowSec: number;
  color?: MantineColor;
  /** Height available to all rows together. @default 150 */
  maxHeight?: number;
}

interface Hover {
  core: number;
  index: number;
}

/**
 * CPU per core as a heat strip: one row per core, one column per second,
 * darker when busier. Stays readable at 64 cores where 64 lines would not;
 * hovering names the core, the time and the figure.
 */
export function CoreHeatmap({
  times,
  cores,
  windowSec,
  color = 'indigo',
  maxHeight = 150,
}: CoreHeatmapProps) {
  const palette = useChartPalette();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<Hover | null>(null);
  const layout = useMemo(() => heatmapLayout(cores.length, maxHeight), [cores.length, maxHeight]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return undefined;
    const observer = new ResizeObserver(() => setWidth(canvas.clientWidth));
    observer.observe(canvas);
    setWidth(canvas.clientWidth);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || width === 0) return;
    draw(canvas, { times, cores, windowSec, width, layout, palette, color });
  }, [times, cores, windowSec, width, layout, palette, color]);

  const end = times.at(-1) ?? 0;
  const onMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - rect.left - layout.gutter;
    const core = Math.floor((e.clientY - rect.top) / layout.rowHeight);
    if (x < 0 || core < 0 || core >= cores.length || times.length === 0) {
      setHover(null);
      return;
    }
    const t = end - windowSec + (x / Math.max(1, width - layout.gutter)) * windowSec;
    let index = 0;
    while (index < times.length - 1 && (times[index + 1] ?? 0) <= t) index++;
    setHover({ core, index });
  };

  const hoverValue = hover ? cores[hover.core]?.[hover.index] : undefined;
  const hoverTime = hover ? times[hover.index] : undefined;
  const tip =
    hover && hoverTime !== undefined
      ? `Core ${hover.core} · ${formatCursorTime(hoverTime, windowSec)} · ${formatPercent(hoverValue ?? Number.NaN)}`
      : '';

  return (
    <div className={classes.heatmap} data-cores={cores.length} data-points={times.length}>
      <Tooltip.Floating label={tip} disabled={tip === ''}>
        <canvas
          ref={canvasRef}
          className={classes.canvas}
          style={{ height: layout.rowHeight * cores.length }}
          role="img"
          aria-label={`CPU use of each of ${cores.length} cores over the last ${Math.round(windowSec / 60)} minutes`}
          onPointerMove={onMove}
          onPointerLeave={() => setHover(null)}
        />
      </Tooltip.Floating>
      <div className={classes.axis} aria-hidden="true" style={{ paddingLeft: layout.gutter }}>
        <span>{Math.round(windowSec / 60)} min ago</span>
        <span>now</span>
      </div>
      <div className={classes.footer}>
        <CoresNow cores={cores} />
        <div className={classes.scale} aria-hidden="true">
          <span>0 %</span>
          <span
            className={classes.gradient}
            style={{
              '--from': alpha(palette.series(color), 0.06),
              '--to': palette.series(color),
            }}
          />
          <span>100 %</span>
        </div>
      </div>
    </div>
  );
}

/** Cores listed by their current figure at most; beyond, the busiest ones. */
const LISTED_CORES = 12;

/** Each core's latest figure (the busiest ones when there are many). */
function CoresNow({ cores }: { cores: readonly (readonly (number | null)[])[] }) {
  const now = cores.map((row, core) => ({ core, value: row.at(-1) ?? null }));
  const many = now.length > LISTED_CORES;
  const listed = many
    ? [...now].sort((a, b) => (b.value ?? -1) - (a.value ?? -1)).slice(0, LISTED_CORES / 2)
    : now;
  return (
    <div className={classes.now} data-testid="cores-now">
      <span className={classes.nowLabel}>{many ? 'Busiest now' : 'Now'}</span>
      {listed.map(({ core, value }) => (
        <span key={core} className={classes.core}>
          <span className={classes.coreName}>{core}</span> {formatPercent(value ?? Number.NaN, 0)}
        </span>
      ))}
    </div>
  );
}

interface DrawArgs {
  times: readonly number[];
  cores: readonly (readonly (number | null)[])[];
  windowSec: number;
  width: number;
  layout: ReturnType<typeof heatmapLayout>;
  palette: ChartPalette;
  color: MantineColor;
}

function draw(canvas: HTMLCanvasElement, a: DrawArgs): void {
  const { layout } = a;
  const height = layout.rowHeight * a.cores.length;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(a.width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, a.width, height);

  const plotWidth = a.width - layout.gutter;
  const end = a.times.at(-1) ?? 0;
  const start = end - a.windowSec;
  const step = plotWidth / a.windowSec;
  const base = a.palette.series(a.color);
  const gap = layout.rowHeight >= 8 ? 1 : 0;

  ctx.fillStyle = a.palette.grid;
  ctx.fillRect(layout.gutter, 0, plotWidth, height);

  ctx.font = a.palette.font;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  a.cores.forEach((row, core) => {
    const y = core * layout.rowHeight;
    if (core % layout.labelEvery === 0) {
      ctx.fillStyle = a.palette.text;
      ctx.fillText(String(core), layout.gutter - 6, y + layout.rowHeight / 2);
    }
    row.forEach((value, i) => {
      const t = a.times[i];
      if (value === null || t === undefined || t < start) return;
      const next = a.times[i + 1] ?? t + 1;
      const x = layout.gutter + (t - start) * step;
      ctx.fillStyle = alpha(base, 0.06 + (0.94 * Math.min(100, Math.max(0, value))) / 100);
      ctx.fillRect(x, y, Math.max(1, (next - t) * step), layout.rowHeight - gap);
    });
  });
}
