import { formatBitRate, formatBytes, MISSING } from '../../format/bytes.js';
import { formatLoad, formatPercent } from '../../format/percent.js';

/** What a chart's values measure; decides how axes and the legend read them. */
export type ChartUnit = 'percent' | 'bytes' | 'bytesPerSec' | 'bitsFromBytesPerSec' | 'load';

/** A value as the legend shows it, e.g. "12.3 %", "6.0 GiB", "9.6 kbit/s". */
export function formatChartValue(unit: ChartUnit, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  switch (unit) {
    case 'percent':
      return formatPercent(value);
    case 'bytes':
      return formatBytes(value);
    case 'bytesPerSec':
      return `${formatBytes(value)}/s`;
    case 'bitsFromBytesPerSec':
      return formatBitRate(value);
    case 'load':
      return formatLoad(value);
  }
}

/** Axis labels are narrow: "1.5 GiB", "2 GiB" (no ".0"), "40 %". */
export function formatChartTick(unit: ChartUnit, value: number): string {
  if (unit === 'percent') return `${Math.round(value)} %`;
  if (unit === 'load') return Number.isInteger(value) ? String(value) : value.toFixed(1);
  return formatChartValue(unit, value).replace(/\.0(?= )/, '');
}

/**
 * The y scale's upper end: percentages always span 0–100; other figures get
 * headroom above their peak, and a small floor so an idle line stays low.
 */
export function chartMax(unit: ChartUnit, dataMax: number): number {
  if (unit === 'percent') return 100;
  const floor = unit === 'load' ? 1 : unit === 'bytes' ? 1024 ** 2 : 1024;
  return Math.max(floor, dataMax * 1.1);
}

const SECOND_FORMAT = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const MINUTE_FORMAT = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY_FORMAT = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const DAY_TIME_FORMAT = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});

/**
 * A time axis label in the user's time zone, as precise as the visible span
 * needs: seconds within three minutes, the time of day within two days, the date beyond.
 */
export function formatTimeTick(epochSec: number, spanSec: number): string {
  const ms = epochSec * 1000;
  if (spanSec <= 3 * 60) return SECOND_FORMAT.format(ms);
  if (spanSec <= 2 * 86_400) return MINUTE_FORMAT.format(ms);
  return DAY_FORMAT.format(ms);
}

/** The hovered instant in the legend: date and time, to the second when the span is short. */
export function formatCursorTime(epochSec: number, spanSec: number): string {
  const ms = epochSec * 1000;
  return spanSec <= 2 * 86_400 ? SECOND_FORMAT.format(ms) : DAY_TIME_FORMAT.format(ms);
}
