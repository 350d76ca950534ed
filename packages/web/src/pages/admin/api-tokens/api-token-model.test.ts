import type { ApiToken } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { exampleCall, expiresInSec, NEVER, TOKEN_EXPIRY_CHOICES, tokenState } from './api-token-model.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const token: ApiToken = {
  id: 't1',
  name: 'grafana',
  scope: 'read',
  userId: 'u1',
  username: 'alice',
  createdAt: '2024-01-01T00:00:00Z',
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
};

describe('tokenState', () => {
  it('is active without expiry or with one ahead', () => {
    expect(tokenState(token, NOW)).toBe('active');
    expect(tokenState({ ...token, expiresAt: '2024-06-02T00:00:00Z' }, NOW)).toBe('active');
  });
  it('is expired once the expiry has passed', () => {
    expect(tokenState({ ...token, expiresAt: '2024-06-01T12:00:00Z' }, NOW)).toBe('expired');
  });
  it('is revoked whatever the expiry says', () => {
    expect(
      tokenState({ ...token, revokedAt: '2024-05-01T00:00:00Z', expiresAt: '2020-01-01T00:00:00Z' }, NOW),
    ).toBe('revoked');
  });
});

describe('expiry choices', () => {
  it('offers lifetimes and never, which the API takes as null', () => {
    expect(TOKEN_EXPIRY_CHOICES.map((c) => c.label)).toEqual([
      '7 days',
      '30 days',
      '90 days',
      '1 year',
      'Never',
    ]);
    expect(expiresInSec(NEVER)).toBeNull();
    expect(expiresInSec('604800')).toBe(604_800);
  });
});

describe('exampleCall', () => {
  it('calls this server with the token as Bearer', () => {
    expect(exampleCall('https://labs.example.edu', 'lmt_x')).toBe(
      'curl -H "Authorization: Bearer lmt_x" https://labs.example.edu/api/v1/computers',
    );
  });
});
