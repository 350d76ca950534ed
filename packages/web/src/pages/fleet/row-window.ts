export interface RowWindowInput {
  /** Rows in the whole list. */
  count: number;
  /** Height of one row in px (all rows are alike). */
  rowHeight: number;
  /** Top of the first row relative to the viewport (negative once scrolled past). */
  bodyTop: number;
  viewportHeight: number;
  /** Extra rows rendered above and below the visible ones. */
  overscan: number;
}

export interface RowWindow {
  /** First rendered row (inclusive). */
  start: number;
  /** End of the rendered rows (exclusive). */
  end: number;
}

/**
 * Which rows of a long table intersect the viewport, plus some overscan, so
 * only those are rendered; spacers stand in for the rest.
 * @example rowWindow({ count: 1000, rowHeight: 50, bodyTop: -500, viewportHeight: 1000, overscan: 5 })
 * // { start: 5, end: 35 }
 */
export function rowWindow({
  count,
  rowHeight,
  bodyTop,
  viewportHeight,
  overscan,
}: RowWindowInput): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const firstVisible = Math.floor(-bodyTop / rowHeight);
  const lastVisible = Math.ceil((viewportHeight - bodyTop) / rowHeight);
  const start = Math.min(count, Math.max(0, firstVisible - overscan));
  const end = Math.min(count, Math.max(start, lastVisible + overscan));
  return { start, end };
}
