import type { ComputerSummary, Lab } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { computer as fixtureComputer, GIB, metrics } from '../../test-fixtures.js';
import {
  applyPlacements,
  computersByLab,
  filterLabs,
  finalPlacements,
  gridSeats,
  labPlace,
  labStats,
  planMove,
  reuseUnchanged,
  roomLayout,
  seatLabel,
  tileState,
} from './lab-model.js';

/** The fixtures' computers are in lab-1 unless a test says otherwise. */
const computer = (hostname: string, over: Partial<ComputerSummary> = {}): ComputerSummary =>
  fixtureComputer(hostname, { labId: 'lab-1', ...over });

function lab(over: Partial<Lab> = {}): Lab {
  return {
    id: 'lab-1',
    name: 'Physics',
    building: 'North',
    room: '101',
    rows: 5,
    cols: 6,
    computerCount: 0,
    createdAt: '2024-01-10T12:00:00.000Z',
    updatedAt: '2024-01-10T12:00:00.000Z',
    ...over,
  };
}

describe('tileState', () => {
  it('is offline for an offline computer, whatever its last figures', () => {
    expect(tileState(computer('a', { status: 'offline', metrics: metrics({ cpuPercent: 99 }) }))).toBe(
      'offline',
    );
  });
  it('tells idle from in use by the logged-in users', () => {
    expect(tileState(computer('a'))).toBe('idle');
    expect(tileState(computer('a', { loggedInUsers: ['alice'] }))).toBe('in-use');
  });
  it('puts a struggling computer first, even with someone at it', () => {
    expect(tileState(computer('a', { loggedInUsers: ['alice'], metrics: metrics({ cpuPercent: 97 }) }))).toBe(
      'busy',
    );
    expect(tileState(computer('a', { metrics: metrics({ memUsedBytes: 15.5 * GIB }) }))).toBe('alerting');
  });
  it('is idle while no sample has come yet', () => {
    expect(tileState(computer('a', { metrics: null }))).toBe('idle');
  });
});

describe('labStats', () => {
  it('counts states, sessions, seats and the mean CPU of online computers', () => {
    const stats = labStats([
      computer('a', {
        loggedInUsers: ['alice', 'bob'],
        seat: { row: 1, col: 1 },
        metrics: metrics({ cpuPercent: 20 }),
      }),
      computer('b', { metrics: metrics({ cpuPercent: 90 }) }),
      computer('c', { status: 'offline', metrics: metrics({ cpuPercent: 100 }), seat: { row: 1, col: 2 } }),
      computer('d', { metrics: null }),
    ]);
    expect(stats).toEqual({
      total: 4,
      online: 3,
      offline: 1,
      usersLoggedIn: 2,
      averageCpu: 55,
      seated: 2,
      needingLook: 1,
    });
  });
  it('has no mean CPU without samples', () => {
    expect(labStats([]).averageCpu).toBeNull();
  });
});

describe('computersByLab', () => {
  it('groups by lab and leaves out computers in none', () => {
    const byLab = computersByLab([
      computer('a', { labId: 'x' }),
      computer('b', { labId: null }),
      computer('c', { labId: 'x' }),
      computer('d', { labId: 'y' }),
    ]);
    expect([...byLab.keys()].sort()).toEqual(['x', 'y']);
    expect(byLab.get('x')?.map((c) => c.hostname)).toEqual(['a', 'c']);
  });
});

describe('roomLayout', () => {
  it('seats computers of this lab and lists the rest by name', () => {
    const seated = computer('pc-01', { seat: { row: 2, col: 3 } });
    const layout = roomLayout(lab(), [
      computer('pc-10'),
      seated,
      computer('pc-2'),
      computer('other', { labId: 'lab-2', seat: { row: 1, col: 1 } }),
    ]);
    expect(layout.seats.get('2:3')).toBe(seated);
    expect(layout.seats.size).toBe(1);
    expect(layout.unseated.map((c) => c.hostname)).toEqual(['pc-2', 'pc-10']);
    expect(layout.computers).toHaveLength(3);
  });
  it('lists a computer outside the grid (or a double-booked seat) as unseated rather than losing it', () => {
    const layout = roomLayout(lab({ rows: 2, cols: 2 }), [
      computer('far', { seat: { row: 3, col: 1 } }),
      computer('a', { seat: { row: 1, col: 1 } }),
      computer('b', { seat: { row: 1, col: 1 } }),
    ]);
    expect(layout.seats.get('1:1')?.hostname).toBe('a');
    expect(layout.unseated.map((c) => c.hostname)).toEqual(['b', 'far']);
  });
});

describe('planMove', () => {
  const target = { row: 1, col: 2 };
  it('moves straight to a free seat', () => {
    const a = computer('a', { seat: { row: 3, col: 3 } });
    expect(planMove(a, 'lab-1', target, undefined)).toEqual([
      { computerId: a.id, labId: 'lab-1', seat: target },
    ]);
  });
  it('does nothing when dropped on its own seat', () => {
    const a = computer('a', { seat: target });
    expect(planMove(a, 'lab-1', target, a)).toEqual([]);
  });
  it('swaps two seated computers of the lab', () => {
    const a = computer('a', { seat: { row: 3, col: 3 } });
    const b = computer('b', { seat: target });
    expect(planMove(a, 'lab-1', target, b)).toEqual([
      { computerId: a.id, labId: 'lab-1', seat: target },
      { computerId: b.id, labId: 'lab-1', seat: { row: 3, col: 3 } },
    ]);
  });
  it('leaves the occupant unseated in the lab when the newcomer had no seat here', () => {
    const a = computer('a', { labId: null });
    const b = computer('b', { seat: target });
    expect(planMove(a, 'lab-1', target, b)).toEqual([
      { computerId: a.id, labId: 'lab-1', seat: target },
      { computerId: b.id, labId: 'lab-1', seat: null },
    ]);
  });
  it('does not carry a seat over from another lab', () => {
    const a = computer('a', { labId: 'lab-2', seat: { row: 1, col: 1 } });
    const b = computer('b', { seat: target });
    expect(planMove(a, 'lab-1', target, b)[1]).toEqual({ computerId: b.id, labId: 'lab-1', seat: null });
  });
});

describe('finalPlacements and applyPlacements', () => {
  it('applies where each computer ends up, keeping the others as they are', () => {
    const a = computer('a', { seat: { row: 3, col: 3 } });
    const b = computer('b', { seat: { row: 1, col: 2 } });
    const c = computer('c');
    const final = finalPlacements(planMove(a, 'lab-1', { row: 1, col: 2 }, b));
    const [a2, b2, c2] = applyPlacements([a, b, c], final);
    expect(a2?.seat).toEqual({ row: 1, col: 2 });
    expect(b2?.seat).toEqual({ row: 3, col: 3 });
    expect(c2).toBe(c);
  });
});

describe('filterLabs', () => {
  const labs = [
    lab({ id: '1', name: 'Physics', building: 'North', room: '101' }),
    lab({ id: '2', name: 'Art', building: null, room: 'B2' }),
  ];
  it('matches name, building and room, ignoring case', () => {
    expect(filterLabs(labs, 'north').map((l) => l.id)).toEqual(['1']);
    expect(filterLabs(labs, 'b2').map((l) => l.id)).toEqual(['2']);
    expect(filterLabs(labs, '  ')).toHaveLength(2);
    expect(filterLabs(labs, 'chemistry')).toEqual([]);
  });
});

describe('labels', () => {
  it('names seats and places', () => {
    expect(seatLabel({ row: 2, col: 3 })).toBe('Row 2, seat 3');
    expect(labPlace({ building: 'North', room: '101' })).toBe('North · 101');
    expect(labPlace({ building: null, room: ' ' })).toBeNull();
  });
  it('lists every seat in reading order', () => {
    expect(gridSeats({ rows: 2, cols: 2 })).toEqual([
      { row: 1, col: 1 },
      { row: 1, col: 2 },
      { row: 2, col: 1 },
      { row: 2, col: 2 },
    ]);
  });
});

describe('reuseUnchanged', () => {
  it("keeps a lab's previous list when its computers are the same objects", () => {
    const a = computer('a', { labId: 'x' });
    const b = computer('b', { labId: 'y' });
    const before = computersByLab([a, b]);
    const b2 = { ...b, status: 'offline' as const };
    const after = reuseUnchanged(before, computersByLab([a, b2]));
    expect(after.get('x')).toBe(before.get('x'));
    expect(after.get('y')).not.toBe(before.get('y'));
    expect(after.get('y')).toEqual([b2]);
  });
});
