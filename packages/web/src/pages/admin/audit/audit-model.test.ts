import type { AuditEntry } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import {
  actorLabel,
  auditRequest,
  detailsSummary,
  hasDetails,
  NO_FILTERS,
  pageCount,
  targetLabel,
} from './audit-model.js';

const entry: AuditEntry = {
  id: 1,
  at: '2024-06-01T12:00:00Z',
  actorType: 'user',
  actorId: '0b7c2f4e-1111-4222-8333-944445555666',
  actorName: 'admin',
  action: 'user.create',
  targetType: 'user',
  targetId: '9f1d3a2b-1111-4222-8333-944445555666',
  ip: '127.0.0.1',
  details: { username: 'bob', role: 'viewer' },
};

describe('auditRequest', () => {
  it('sends only the filters that are set, trimmed, and pages by 50', () => {
    expect(auditRequest({ ...NO_FILTERS, actor: ' admin ' }, 3)).toEqual({
      actor: 'admin',
      action: undefined,
      target: undefined,
      from: undefined,
      to: undefined,
      limit: 50,
      offset: 100,
    });
  });

  it('covers whole local days, from midnight to the end of the last day', () => {
    const q = auditRequest({ ...NO_FILTERS, fromDate: '2024-06-01', toDate: '2024-06-02' }, 1);
    expect(q.from).toBe(new Date(2024, 5, 1).toISOString());
    expect(q.to).toBe(new Date(new Date(2024, 5, 3).getTime() - 1).toISOString());
  });

  it('ignores a date that is not one', () => {
    expect(auditRequest({ ...NO_FILTERS, fromDate: '2024-13' }, 1).from).toBeUndefined();
  });
});

describe('labels', () => {
  it('names the actor, or its kind and short id when it has no name', () => {
    expect(actorLabel(entry)).toBe('admin');
    expect(actorLabel({ ...entry, actorName: null })).toBe('Deleted user');
    expect(actorLabel({ ...entry, actorName: null, actorId: null })).toBe('Not signed in');
    expect(actorLabel({ ...entry, actorType: 'agent', actorName: null })).toBe('Agent 0b7c2f4e');
    expect(actorLabel({ ...entry, actorType: 'agent', actorName: null, actorId: null })).toBe('Agent');
    expect(actorLabel({ ...entry, actorType: 'system', actorName: null, actorId: null })).toBe('System');
  });

  it('names the target by type and short id', () => {
    expect(targetLabel(entry)).toBe('user 9f1d3a2b');
    expect(targetLabel({ ...entry, targetType: 'enrollment_token', targetId: 'abc' })).toBe(
      'enrollment token abc',
    );
    expect(targetLabel({ ...entry, targetId: null })).toBeNull();
  });
});

describe('detailsSummary', () => {
  it('lists the simple fields on one line and leaves nested ones out', () => {
    expect(detailsSummary({ username: 'bob', role: 'viewer', changes: { role: {} }, labId: null })).toBe(
      'username: bob · role: viewer · labId: none',
    );
    expect(detailsSummary(null)).toBe('');
    expect(detailsSummary('text')).toBe('text');
  });

  it('spells out an update’s changes', () => {
    expect(
      detailsSummary({
        username: 'bob',
        changes: {
          role: { from: 'operator', to: 'viewer' },
          displayName: { from: null, to: 'Bob' },
          password: 'reset',
        },
      }),
    ).toBe('username: bob · role: operator → viewer · displayName: none → Bob · password: reset');
  });

  it('tells whether there is anything to expand', () => {
    expect(hasDetails({ a: 1 })).toBe(true);
    expect(hasDetails({})).toBe(false);
    expect(hasDetails(null)).toBe(false);
  });
});

describe('pageCount', () => {
  it('is at least one page', () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(50)).toBe(1);
    expect(pageCount(51)).toBe(2);
  });
});
