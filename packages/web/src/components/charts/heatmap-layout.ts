/** Row sizes of the per-core heat strip. */
export interface HeatmapLayout {
  rowHeight: number;
  /** Label every n-th core (all of them when rows are tall enough to read). */
  labelEvery: number;
  /** Width kept on the left for core numbers. */
  gutter: number;
}

const MIN_ROW = 4;
const MAX_ROW = 36;
/** Rows shorter than this get a label only every few cores. */
const LABELLED_ROW = 11;

/**
 * Fits `cores` rows into `maxHeight`: tall rows for a few cores, thin ones
 * (never under 4 px, so the strip grows instead) for many.
 */
export function heatmapLayout(cores: number, maxHeight: number): HeatmapLayout {
  const rowHeight = Math.max(MIN_ROW, Math.min(MAX_ROW, Math.floor(maxHeight / Math.max(1, cores))));
  const labelEvery = rowHeight >= LABELLED_ROW ? 1 : Math.ceil(LABELLED_ROW / rowHeight) * 2;
  const gutter = cores > 100 ? 34 : cores > 10 ? 28 : 22;
  return { rowHeight, labelEvery, gutter };
}
