import { describe, expect, it } from 'vitest';
import { EMPTY_SELECTION, toggle, toggleAll } from './selection.js';

const shown = ['a', 'b', 'c', 'd', 'e'];
const ids = (s: { ids: ReadonlySet<string> }) => [...s.ids].sort();

describe('selection', () => {
  it('toggles one computer on and off', () => {
    const one = toggle(EMPTY_SELECTION, 'b', false, shown);
    expect(ids(one)).toEqual(['b']);
    expect(ids(toggle(one, 'b', false, shown))).toEqual([]);
  });

  it('selects a range with shift from the last toggled, in either direction', () => {
    const anchored = toggle(EMPTY_SELECTION, 'd', false, shown);
    expect(ids(toggle(anchored, 'b', true, shown))).toEqual(['b', 'c', 'd']);
    const cleared = toggle(toggle(toggleAll(EMPTY_SELECTION, shown), 'a', false, shown), 'c', true, shown);
    expect(ids(cleared)).toEqual(['d', 'e']);
  });

  it('treats shift without an anchor as a plain toggle', () => {
    expect(ids(toggle(EMPTY_SELECTION, 'c', true, shown))).toEqual(['c']);
  });

  it('selects all shown, keeps selections outside the filter, and clears when all are selected', () => {
    const outside = toggle(EMPTY_SELECTION, 'z', false, ['z']);
    const all = toggleAll(outside, shown);
    expect(ids(all)).toEqual(['a', 'b', 'c', 'd', 'e', 'z']);
    expect(ids(toggleAll(all, shown))).toEqual(['z']);
  });
});
