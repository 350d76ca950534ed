import type { Lab } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { bareComputer as pc } from '../../test-fixtures.js';
import { computerOptions, EMPTY_PICK, fleetTags, pickedTarget } from './target-pick.js';

const lab: Lab = {
  id: 'r101',
  name: 'Room 101',
  building: null,
  room: null,
  rows: 1,
  cols: 1,
  computerCount: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('pickedTarget', () => {
  it('names nothing until something is chosen', () => {
    expect(pickedTarget(EMPTY_PICK, [], [])).toBeNull();
    expect(pickedTarget({ ...EMPTY_PICK, mode: 'lab' }, [], [lab])).toBeNull();
    expect(pickedTarget({ ...EMPTY_PICK, mode: 'allOnline' }, undefined, undefined)).toEqual({
      type: 'allOnline',
    });
  });

  it('carries computer names and the lab name for the wording', () => {
    const fleet = [pc('c1', { hostname: 'pc-01', displayName: 'Front desk' })];
    expect(pickedTarget({ ...EMPTY_PICK, computerIds: ['c1'] }, fleet, [])).toEqual({
      type: 'computers',
      computers: [{ id: 'c1', name: 'Front desk' }],
    });
    expect(pickedTarget({ ...EMPTY_PICK, mode: 'lab', labId: 'r101' }, fleet, [lab])).toEqual({
      type: 'lab',
      labId: 'r101',
      name: 'Room 101',
    });
  });
});

describe('options', () => {
  it('sorts names naturally and marks offline ones', () => {
    const options = computerOptions([
      pc('x', { hostname: 'pc-10' }),
      pc('y', { hostname: 'pc-2', status: 'offline' }),
    ]);
    expect(options.map((o) => o.label)).toEqual(['pc-2 · offline', 'pc-10']);
  });

  it('counts tags', () => {
    expect(fleetTags([pc('a', { tags: ['gpu', 'b'] }), pc('b', { tags: ['gpu'] })])).toEqual([
      { tag: 'b', count: 1 },
      { tag: 'gpu', count: 2 },
    ]);
  });
});
