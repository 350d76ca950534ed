import type { ComputerDetail } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { changes, seatError, toForm } from './manage-form.js';

const computer: ComputerDetail = {
  id: '00000000-0000-4000-8000-000000000001',
  hostname: 'pc01',
  displayName: null,
  status: 'online',
  lastSeenAt: null,
  osName: null,
  agentVersion: null,
  loggedInUsers: [],
  metrics: null,
  labId: 'lab-a',
  seat: { row: 1, col: 2 },
  tags: ['gpu'],
  samplesLost: 0,
  lastLossAt: null,
  createdAt: '2024-01-01T00:00:00.000Z',
  notes: null,
  inventory: null,
  inventoryUpdatedAt: null,
  latestSample: null,
};

describe('changes', () => {
  it('is null when nothing changed', () => {
    expect(changes(computer, toForm(computer))).toBeNull();
  });

  it('sends only what changed, blank text as null', () => {
    const form = { ...toForm(computer), notes: 'Projector cable loose', displayName: '  ' };
    expect(changes(computer, form)).toEqual({ notes: 'Projector cable loose' });
    expect(changes({ ...computer, notes: 'x' }, { ...toForm(computer), notes: ' ' })).toEqual({
      notes: null,
    });
  });

  it('normalises tags like the server (lower case, unique, sorted)', () => {
    const form = { ...toForm(computer), tags: ['GPU', 'front', 'gpu'] };
    expect(changes(computer, form)).toEqual({ tags: ['front', 'gpu'] });
  });

  it('clears the seat when the lab is removed', () => {
    const form = { ...toForm(computer), labId: null };
    expect(changes(computer, form)).toEqual({ labId: null, seat: null });
  });

  it('moves the seat', () => {
    const form = { ...toForm(computer), seatRow: 3 as const };
    expect(changes(computer, form)).toEqual({ seat: { row: 3, col: 2 } });
  });
});

describe('seatError', () => {
  it('wants both halves of a seat or neither', () => {
    expect(seatError({ ...toForm(computer), seatCol: '' })).not.toBeNull();
    expect(seatError({ ...toForm(computer), seatRow: '', seatCol: '' })).toBeNull();
  });
});
