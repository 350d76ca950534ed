import { MISSING } from './bytes.js';

/** Usage below this percentage is healthy (green). */
export const WARN_PERCENT = 70;
/** Usage below this percentage is a warning (yellow); at or above it, critical (red). */
export const CRITICAL_PERCENT = 90;

export type UsageLevel = 'ok' | 'warn' | 'critical';

/**
 * A percentage with one decimal and a spaced percent sign.
 * @example formatPercent(12.345) // "12.3 %"
 */
export function formatPercent(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return MISSING;
  return `${value.toFixed(digits)} %`;
}

/**
 * Share of `total` that `used` makes up, clamped to 0–100; 0 when the total is unknown.
 * @example usagePercent(6, 16) // 37.5
 */
export function usagePercent(used: number, total: number): number {
  if (!Number.isFinite(used) || !Number.isFinite(total) || total <= 0) return 0;
  return clampPercent((used / total) * 100);
}

/** Keeps a percentage inside 0–100 (agents may report e.g. 100.4 % from rounding). */
export function clampPercent(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(100, Math.max(0, value));
}

/**
 * How worrying a usage percentage is: green below 70 %, yellow below 90 %, red above.
 * @example usageLevel(85) // "warn"
 */
export function usageLevel(percent: number): UsageLevel {
  if (percent < WARN_PERCENT) return 'ok';
  if (percent < CRITICAL_PERCENT) return 'warn';
  return 'critical';
}

/** The theme colour of each usage level. */
export const USAGE_COLOR: Record<UsageLevel, 'green' | 'yellow' | 'red'> = {
  ok: 'green',
  warn: 'yellow',
  critical: 'red',
};

/**
 * A load average with two decimals.
 * @example formatLoad(0.5) // "0.50"
 */
export function formatLoad(load: number): string {
  if (!Number.isFinite(load)) return MISSING;
  return load.toFixed(2);
}
