import { describe, expect, it } from 'vitest';
import { heatmapLayout } from './heatmap-layout.js';

describe('heatmapLayout', () => {
  it('gives a few cores tall, labelled rows', () => {
    expect(heatmapLayout(4, 150)).toEqual({ rowHeight: 36, labelEvery: 1, gutter: 22 });
  });

  it('thins rows for many cores and labels only some', () => {
    const layout = heatmapLayout(64, 150);
    expect(layout.rowHeight).toBe(4);
    expect(layout.labelEvery).toBeGreaterThan(1);
    expect(layout.rowHeight * 64).toBeGreaterThan(150);
  });

  it('labels every core when 12 rows fit comfortably', () => {
    expect(heatmapLayout(12, 150).labelEvery).toBe(1);
  });
});
