import { z } from 'zod';
import { ComputerId, IsoDateTime } from './common.js';

// ---- labs (rooms with a seat grid) and what an administrator edits on a computer

export const LabId = z.string().min(1).max(64);

/** A seat in a lab's grid, counted from 1 at the front left. */
export const Seat = z.object({
  row: z.number().int().min(1).max(100),
  col: z.number().int().min(1).max(100),
});
export type Seat = z.infer<typeof Seat>;

/** A free-form label such as `projector` or `gpu`: letters, digits and `._:-`. */
export const Tag = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only');

export const Lab = z.object({
  id: LabId,
  name: z.string(),
  building: z.string().nullable(),
  room: z.string().nullable(),
  /** The seat grid: rows front to back, columns left to right. */
  rows: z.number().int(),
  cols: z.number().int(),
  /** Computers assigned to this lab (seated or not), retired ones excluded. */
  computerCount: z.number().int().nonnegative(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Lab = z.infer<typeof Lab>;

const LabName = z.string().trim().min(1).max(128);
const Place = z.string().trim().max(128).nullable();
const GridSize = z.number().int().min(1).max(100);

export const LabCreate = z.object({
  name: LabName,
  building: Place.optional(),
  room: Place.optional(),
  rows: GridSize,
  cols: GridSize,
});
export type LabCreate = z.infer<typeof LabCreate>;

/** Every field optional; shrinking the grid is refused while a computer sits outside the new one. */
export const LabUpdate = LabCreate.partial().refine((v) => Object.keys(v).length > 0, {
  message: 'give at least one field to change',
});
export type LabUpdate = z.infer<typeof LabUpdate>;

export const LabIdParams = z.object({ id: LabId });

/** Where one computer goes in a lab: a seat of its grid, or none (in the lab, unseated). */
export const SeatAssignment = z.object({
  computerId: ComputerId,
  seat: Seat.nullable(),
});
export type SeatAssignment = z.infer<typeof SeatAssignment>;

/**
 * Seat changes in one lab, applied all together or not at all, so a swap is
 * one call. A computer from another lab (or none) joins this one; computers
 * not listed stay where they are, so a seat one of them holds stays taken.
 */
export const LabSeatsUpdate = z
  .object({ assignments: z.array(SeatAssignment).min(1).max(1000) })
  .superRefine(({ assignments }, ctx) => {
    const computers = new Set<string>();
    const seats = new Set<string>();
    assignments.forEach(({ computerId, seat }, i) => {
      if (computers.has(computerId)) {
        ctx.addIssue({ code: 'custom', path: ['assignments', i, 'computerId'], message: 'listed twice' });
      }
      computers.add(computerId);
      if (!seat) return;
      const key = `${seat.row}:${seat.col}`;
      if (seats.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['assignments', i, 'seat'],
          message: 'given to two computers',
        });
      }
      seats.add(key);
    });
  });
export type LabSeatsUpdate = z.infer<typeof LabSeatsUpdate>;

export const LabList = z.object({
  items: z.array(Lab),
  total: z.number().int().nonnegative(),
});
export type LabList = z.infer<typeof LabList>;

/**
 * An administrator's changes to a computer; every field optional. Moving it
 * to another lab (or out of any, `labId: null`) clears its seat unless a seat
 * in the new lab comes with the move; a seat needs a lab.
 */
export const ComputerUpdate = z
  .object({
    /** Shown instead of the hostname (which stays what the agent reports); null removes it. */
    displayName: z.string().trim().min(1).max(128).nullable().optional(),
    labId: LabId.nullable().optional(),
    seat: Seat.nullable().optional(),
    tags: z.array(Tag).max(32).optional(),
    notes: z.string().max(4000).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'give at least one field to change' });
export type ComputerUpdate = z.infer<typeof ComputerUpdate>;
