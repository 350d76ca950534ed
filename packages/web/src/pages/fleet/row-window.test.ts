import { describe, expect, it } from 'vitest';
import { rowWindow } from './row-window.js';

const base = { count: 1000, rowHeight: 50, viewportHeight: 1000, overscan: 5 };

describe('rowWindow', () => {
  it('covers the viewport plus overscan when the table starts below the fold line', () => {
    expect(rowWindow({ ...base, bodyTop: 400 })).toEqual({ start: 0, end: 17 });
  });

  it('follows scrolling', () => {
    expect(rowWindow({ ...base, bodyTop: -500 })).toEqual({ start: 5, end: 35 });
  });

  it('stops at the end of the list', () => {
    expect(rowWindow({ ...base, bodyTop: -49_800 })).toEqual({ start: 991, end: 1000 });
  });

  it('renders nothing when the table is scrolled far out of view', () => {
    expect(rowWindow({ ...base, bodyTop: -60_000 })).toEqual({ start: 1000, end: 1000 });
    expect(rowWindow({ ...base, bodyTop: 5000 })).toEqual({ start: 0, end: 0 });
  });

  it('handles an empty list', () => {
    expect(rowWindow({ ...base, count: 0, bodyTop: 0 })).toEqual({ start: 0, end: 0 });
  });
});
