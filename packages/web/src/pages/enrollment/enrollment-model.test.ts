import type { EnrollmentToken, Lab, UserDetail } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { byId, creatorName, EXPIRY_CHOICES, filterTokens, labName } from './enrollment-model.js';

const user: UserDetail = {
  id: 'u1',
  username: 'alice',
  displayName: null,
  role: 'admin',
  lastLoginAt: null,
  disabled: false,
  createdAt: '2024-01-01T00:00:00Z',
};

function token(id: string, state: EnrollmentToken['state']): EnrollmentToken {
  return {
    id,
    createdAt: '2024-01-01T00:00:00Z',
    createdBy: 'u1',
    expiresAt: '2024-01-02T00:00:00Z',
    usesLeft: 1,
    labId: null,
    revokedAt: null,
    state,
  };
}

describe('creatorName', () => {
  const users = byId([user, { ...user, id: 'u2', username: 'bob', displayName: 'Bob Smith' }]);
  it('names the user, preferring the display name', () => {
    expect(creatorName('u1', users)).toBe('alice');
    expect(creatorName('u2', users)).toBe('Bob Smith');
  });
  it('tells the command line and deleted users apart', () => {
    expect(creatorName(null, users)).toBe('Command line');
    expect(creatorName('gone', users)).toBe('Deleted user');
  });
});

describe('labName', () => {
  const labs = byId([{ id: 'l1', name: 'Room 101' } as Lab]);
  it('names the lab, or says it was deleted', () => {
    expect(labName('l1', labs)).toBe('Room 101');
    expect(labName('l9', labs)).toBe('Deleted lab');
    expect(labName(null, labs)).toBeNull();
  });
});

describe('filterTokens', () => {
  it('keeps only the tokens that can still enroll', () => {
    const tokens = [
      token('a', 'active'),
      token('b', 'expired'),
      token('c', 'used-up'),
      token('d', 'revoked'),
    ];
    expect(filterTokens(tokens, 'active').map((t) => t.id)).toEqual(['a']);
    expect(filterTokens(tokens, 'all')).toHaveLength(4);
  });
});

describe('EXPIRY_CHOICES', () => {
  it('reads as words and stays within what the server accepts', () => {
    expect(EXPIRY_CHOICES.map((c) => c.label)).toEqual([
      '1 hour',
      '8 hours',
      '1 day',
      '7 days',
      '30 days',
      '1 year',
    ]);
    for (const c of EXPIRY_CHOICES) expect(Number(c.value)).toBeLessThanOrEqual(365 * 86_400);
  });
});
