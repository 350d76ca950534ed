import type { UserDetail } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { filterUsers, userChanges } from './user-model.js';

const alice: UserDetail = {
  id: 'u1',
  username: 'alice',
  displayName: 'Alice Martin',
  role: 'operator',
  lastLoginAt: null,
  disabled: false,
  createdAt: '2024-01-01T00:00:00Z',
};
const bob: UserDetail = { ...alice, id: 'u2', username: 'bob', displayName: null, role: 'viewer' };

describe('userChanges', () => {
  it('is null when nothing changed (spaces around the name do not count)', () => {
    expect(
      userChanges(alice, { displayName: ' Alice Martin ', role: 'operator', disabled: false }),
    ).toBeNull();
  });

  it('keeps only what changed', () => {
    expect(userChanges(alice, { displayName: 'Alice Martin', role: 'admin', disabled: true })).toEqual({
      role: 'admin',
      disabled: true,
    });
  });

  it('removes the display name when emptied', () => {
    expect(userChanges(alice, { displayName: '  ', role: 'operator', disabled: false })).toEqual({
      displayName: null,
    });
  });
});

describe('filterUsers', () => {
  it('matches username or display name, any case, within the role', () => {
    expect(filterUsers([alice, bob], 'MARTIN', 'all')).toEqual([alice]);
    expect(filterUsers([alice, bob], 'b', 'all')).toEqual([bob]);
    expect(filterUsers([alice, bob], '', 'viewer')).toEqual([bob]);
    expect(filterUsers([alice, bob], 'alice', 'viewer')).toEqual([]);
  });
});
