import type { ComputerSummary, Lab, Seat } from '@labmgr/protocol';
import { usagePercent } from '../../format/percent.js';
import { conditionOf, shownName } from '../fleet/fleet-model.js';

export { shownName };

/**
 * How a seat's computer is drawn. A condition (busy, alerting: the fleet's
 * own definitions) wins over `in-use`: a teacher wants the machine that is
 * struggling to stand out, whoever sits at it.
 */
export type TileState = 'offline' | 'idle' | 'in-use' | 'busy' | 'alerting';

/** Every tile state, in the order the legend lists them. */
export const TILE_STATES: readonly TileState[] = ['idle', 'in-use', 'busy', 'alerting', 'offline'];

export function tileState(c: ComputerSummary): TileState {
  const condition = conditionOf(c);
  if (condition === null) return 'offline';
  if (condition !== 'ok') return condition;
  return c.loggedInUsers.length > 0 ? 'in-use' : 'idle';
}

/** Memory in use, 0–100; 0 without a sample. */
export function memoryPercent(c: ComputerSummary): number {
  return c.metrics ? usagePercent(c.metrics.memUsedBytes, c.metrics.memTotalBytes) : 0;
}

/** Figures for a lab card and the room header. */
export interface LabStats {
  total: number;
  online: number;
  offline: number;
  /** Sessions open across the room (a computer with two users counts twice). */
  usersLoggedIn: number;
  /** Mean CPU of online computers that have reported a sample; null when none has. */
  averageCpu: number | null;
  /** Computers sitting at a seat. */
  seated: number;
  /** Online computers that are busy or alerting. */
  needingLook: number;
}

export function labStats(computers: readonly ComputerSummary[]): LabStats {
  let online = 0;
  let usersLoggedIn = 0;
  let cpuSum = 0;
  let cpuCount = 0;
  let seated = 0;
  let needingLook = 0;
  for (const c of computers) {
    if (c.seat) seated++;
    if (c.status !== 'online') continue;
    online++;
    usersLoggedIn += c.loggedInUsers.length;
    if (conditionOf(c) !== 'ok') needingLook++;
    if (c.metrics && Number.isFinite(c.metrics.cpuPercent)) {
      cpuSum += c.metrics.cpuPercent;
      cpuCount++;
    }
  }
  return {
    total: computers.length,
    online,
    offline: computers.length - online,
    usersLoggedIn,
    averageCpu: cpuCount > 0 ? cpuSum / cpuCount : null,
    seated,
    needingLook,
  };
}

/** The fleet split by lab in one pass (the labs page has a card per lab). */
export function computersByLab(items: readonly ComputerSummary[]): Map<string, ComputerSummary[]> {
  const byLab = new Map<string, ComputerSummary[]>();
  for (const c of items) {
    if (c.labId === null) continue;
    let list = byLab.get(c.labId);
    if (!list) {
      list = [];
      byLab.set(c.labId, list);
    }
    list.push(c);
  }
  return byLab;
}

export function seatKey(seat: Seat): string {
  return `${seat.row}:${seat.col}`;
}

/** "Row 2, seat 3": how the UI names a seat (rows from the front, seats from the left). */
export function seatLabel(seat: Seat): string {
  return `Row ${seat.row}, seat ${seat.col}`;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function byName(a: ComputerSummary, b: ComputerSummary): number {
  return collator.compare(shownName(a), shownName(b)) || collator.compare(a.hostname, b.hostname);
}

/** Where a lab's computers are: at a seat of the grid, or not seated yet. */
export interface RoomLayout {
  /** By `seatKey`. */
  seats: Map<string, ComputerSummary>;
  /** The lab's computers without a seat (or, after a shrink the server refused to allow, outside the grid), by name. */
  unseated: ComputerSummary[];
  /** This lab's computers, seated or not. */
  computers: ComputerSummary[];
}

export function roomLayout(
  lab: Pick<Lab, 'id' | 'rows' | 'cols'>,
  fleet: readonly ComputerSummary[],
): RoomLayout {
  const seats = new Map<string, ComputerSummary>();
  const unseated: ComputerSummary[] = [];
  const computers: ComputerSummary[] = [];
  for (const c of fleet) {
    if (c.labId !== lab.id) continue;
    computers.push(c);
    const seat = c.seat;
    if (seat && seat.row <= lab.rows && seat.col <= lab.cols && !seats.has(seatKey(seat))) {
      seats.set(seatKey(seat), c);
    } else {
      unseated.push(c);
    }
  }
  unseated.sort(byName);
  return { seats, unseated, computers };
}

/** Labs whose name, building or room contains the search (case-insensitive); blank matches all. */
export function filterLabs(labs: readonly Lab[], search: string): Lab[] {
  const needle = search.trim().toLowerCase();
  if (needle === '') return [...labs];
  return labs.filter((lab) =>
    [lab.name, lab.building, lab.room].some((field) => field?.toLowerCase().includes(needle)),
  );
}

/** "Building A · Room 101", or null when neither is known. */
export function labPlace(lab: Pick<Lab, 'building' | 'room'>): string | null {
  const parts = [lab.building, lab.room].filter((p): p is string => p !== null && p.trim() !== '');
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** Where a computer goes: its lab and its seat there. */
export interface Placement {
  computerId: string;
  labId: string | null;
  seat: Seat | null;
}

/**
 * Where computers end up when `moving` is put at `target` in `labId`. The
 * seat's occupant takes the seat the moving computer left (a swap) or, when
 * that one came from outside the lab, waits unseated in it. The server
 * applies them together, so their order does not matter.
 */
export function planMove(
  moving: Pick<ComputerSummary, 'id' | 'labId' | 'seat'>,
  labId: string,
  target: Seat,
  occupant: Pick<ComputerSummary, 'id'> | undefined,
): Placement[] {
  if (moving.labId === labId && moving.seat && seatKey(moving.seat) === seatKey(target)) return [];
  const move: Placement = { computerId: moving.id, labId, seat: target };
  if (!occupant || occupant.id === moving.id) return [move];
  return [move, { computerId: occupant.id, labId, seat: moving.labId === labId ? moving.seat : null }];
}

/** Each computer's placement by id (the last one for it wins). */
export function finalPlacements(steps: readonly Placement[]): Map<string, Placement> {
  const final = new Map<string, Placement>();
  for (const step of steps) final.set(step.computerId, step);
  return final;
}

/** The fleet with placements applied, for an immediate redraw while the server is asked. */
export function applyPlacements(
  items: readonly ComputerSummary[],
  placements: ReadonlyMap<string, Placement>,
): ComputerSummary[] {
  return items.map((c) => {
    const p = placements.get(c.id);
    return p ? { ...c, labId: p.labId, seat: p.seat } : c;
  });
}

/** Each seat of the grid in reading order, for the keyboard "Move to seat" list. */
export function gridSeats(lab: Pick<Lab, 'rows' | 'cols'>): Seat[] {
  const seats: Seat[] = [];
  for (let row = 1; row <= lab.rows; row++) {
    for (let col = 1; col <= lab.cols; col++) seats.push({ row, col });
  }
  return seats;
}

/** Seats in total and still free. */
export function seatCount(lab: Pick<Lab, 'rows' | 'cols'>, seated: number): { seats: number; free: number } {
  const seats = lab.rows * lab.cols;
  return { seats, free: Math.max(0, seats - seated) };
}

/**
 * `next` with each lab's list replaced by the previous one when it holds the
 * same computer objects: the live cache replaces only computers that changed,
 * so a card whose room did not change keeps its props and skips redrawing.
 */
export function reuseUnchanged(
  previous: ReadonlyMap<string, ComputerSummary[]>,
  next: Map<string, ComputerSummary[]>,
): Map<string, ComputerSummary[]> {
  for (const [labId, list] of next) {
    const before = previous.get(labId);
    if (before && before.length === list.length && before.every((c, i) => c === list[i])) {
      next.set(labId, before);
    }
  }
  return next;
}
