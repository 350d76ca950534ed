import type { ReactNode } from 'react';
import { clampPercent, USAGE_COLOR, usageLevel } from '../format/percent.js';
import classes from './UsageBar.module.css';

export interface UsageBarProps {
  /** Share used, 0–100 (clamped). Picks the colour: green < 70 %, yellow < 90 %, red. */
  percent: number;
  /** The figure shown above the bar, e.g. "6.0 / 16.0 GiB". */
  children: ReactNode;
}

/**
 * A figure with a thin threshold-coloured bar under it. Plain elements rather
 * than Mantine's Progress: a fleet table draws thousands of these and redraws
 * them every second. The bar is decorative; the figure carries the value.
 */
export function UsageBar({ percent, children }: UsageBarProps) {
  const value = clampPercent(percent);
  const color = `var(--mantine-color-${USAGE_COLOR[usageLevel(value)]}-filled)`;
  return (
    <div className={classes.usage}>
      <div className={classes.value}>{children}</div>
      <div className={classes.track} aria-hidden="true">
        <div className={classes.fill} style={{ '--bar-value': value / 100, '--bar-color': color }} />
      </div>
    </div>
  );
}
