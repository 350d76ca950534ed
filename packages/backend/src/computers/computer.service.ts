import type { ComputerUpdate, LabSeatsUpdate, LiveEvent, Seat } from '@labmgr/protocol';
import type { Updateable } from 'kysely';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { UserActor } from '../auth/access.js';
import type { ComputersTable } from '../db/schema.js';
import { ApiError, notFound } from '../http/errors.js';
import type { LabRepository } from '../labs/lab.repository.js';
import { parseStringList, seatOf, toSummary } from './computer.presenter.js';
import type { ComputerRepository, ComputerRow } from './computer.repository.js';

const invalid = (field: string, reason: string) =>
  new ApiError(400, 'validation_failed', `body.${field}: ${reason}`, { fields: { [field]: reason } });

/** What an administrator changes on a computer: name, lab, seat, tags, notes. Audited and pushed live. */
export class ComputerService {
  constructor(
    private readonly computers: ComputerRepository,
    private readonly labs: LabRepository,
    private readonly audit: AuditRepository,
    private readonly publish: (event: LiveEvent) => void,
  ) {}

  async update(id: string, body: ComputerUpdate, actor: UserActor): Promise<ComputerRow> {
    const before = await this.computers.findById(id);
    if (!before || before.retired) throw notFound('computer');
    const patch: Updateable<ComputersTable> = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};

    if (body.displayName !== undefined && body.displayName !== before.display_name) {
      patch.display_name = body.displayName;
      changes.displayName = { from: before.display_name, to: body.displayName };
    }

    const labId = body.labId === undefined ? before.lab_id : body.labId;
    const lab = labId === null ? undefined : await this.labs.findById(labId);
    if (labId !== null && !lab) throw invalid('labId', `no lab with id ${labId}`);
    const beforeSeat = seatOf(before);
    // Moving to another lab leaves the old seat behind unless a new one comes with the move.
    const seat = body.seat === undefined ? (labId === before.lab_id ? beforeSeat : null) : body.seat;
    if (seat !== null) {
      if (!lab) throw invalid('seat', 'a seat needs a lab: give labId too');
      if (seat.row > lab.rows || seat.col > lab.cols) {
        throw invalid(
          'seat',
          `row ${seat.row}, column ${seat.col} is outside ${lab.name}'s ${lab.rows} × ${lab.cols} grid`,
        );
      }
      const holder = await this.computers.findAtSeat(lab.id, seat.row, seat.col);
      if (holder && holder.id !== id) throw seatTaken(holder, seat);
    }
    if (labId !== before.lab_id) {
      patch.lab_id = labId;
      changes.labId = { from: before.lab_id, to: labId };
    }
    if (seat?.row !== beforeSeat?.row || seat?.col !== beforeSeat?.col) {
      patch.seat_row = seat?.row ?? null;
      patch.seat_col = seat?.col ?? null;
      changes.seat = { from: beforeSeat, to: seat };
    }

    if (body.tags !== undefined) {
      const tags = [...new Set(body.tags.map((t) => t.toLowerCase()))].sort();
      const old = parseStringList(before.tags);
      if (tags.join('\n') !== old.join('\n')) {
        patch.tags = JSON.stringify(tags);
        changes.tags = { from: old, to: tags };
      }
    }
    if (body.notes !== undefined && body.notes !== before.notes) {
      patch.notes = body.notes;
      // The notes themselves may be long: the audit log keeps that they changed.
      changes.notes = {
        from: before.notes === null ? null : 'text',
        to: body.notes === null ? null : 'text',
      };
    }

    if (Object.keys(patch).length === 0) return before;
    try {
      await this.computers.update(id, patch);
    } catch (err) {
      // Two assignments racing for one seat: the unique index decides.
      if (seat && lab) {
        const holder = await this.computers.findAtSeat(lab.id, seat.row, seat.col);
        if (holder && holder.id !== id) throw seatTaken(holder, seat);
      }
      throw err;
    }
    const after = await this.computers.findById(id);
    if (!after) throw notFound('computer');
    await this.audit.record({
      actor_type: 'user',
      actor_id: actor.user.id,
      action: 'computer.update',
      target_type: 'computer',
      target_id: id,
      ip: actor.ip,
      details: { hostname: before.hostname, changes },
    });
    this.publish({ type: 'computer.upsert', computer: toSummary(after) });
    return after;
  }

  /**
   * Places computers in a lab, each at a seat or none, all in one
   * transaction: a swap never leaves a computer half moved. Each one that
   * moved is audited and pushed live like a PATCH. Returns the computers as
   * they are now, in the order given.
   */
  async assignSeats(labId: string, body: LabSeatsUpdate, actor: UserActor): Promise<ComputerRow[]> {
    const lab = await this.labs.findById(labId);
    if (!lab) throw notFound('lab');
    const { assignments } = body;
    const ids = assignments.map((a) => a.computerId);
    const found = new Map((await this.computers.findByIds(ids)).map((r) => [r.id, r]));
    const placed = assignments.map(({ computerId, seat }, i) => {
      const row = found.get(computerId);
      if (!row || row.retired)
        throw invalid(`assignments.${i}.computerId`, `no computer with id ${computerId}`);
      if (seat && (seat.row > lab.rows || seat.col > lab.cols)) {
        throw invalid(
          `assignments.${i}.seat`,
          `row ${seat.row}, column ${seat.col} is outside ${lab.name}'s ${lab.rows} × ${lab.cols} grid`,
        );
      }
      return { row, seat };
    });
    // Two assignments never share a seat (the schema says so): only computers left where they are can collide.
    const assertSeatsFree = async () => {
      const listed = new Set(ids);
      const held = new Map<string, ComputerRow>();
      for (const c of await this.computers.findSeatedInLab(lab.id)) {
        if (!listed.has(c.id)) held.set(`${c.seat_row}:${c.seat_col}`, c);
      }
      for (const { seat } of assignments) {
        const holder = seat && held.get(`${seat.row}:${seat.col}`);
        if (seat && holder) throw seatTaken(holder, seat, 'give it a seat (or none) in the same call');
      }
    };
    await assertSeatsFree();

    const moves = placed.flatMap(({ row, seat }) => {
      const from = seatOf(row);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      if (row.lab_id !== lab.id) changes.labId = { from: row.lab_id, to: lab.id };
      if (seat?.row !== from?.row || seat?.col !== from?.col) changes.seat = { from, to: seat };
      return Object.keys(changes).length > 0 ? [{ row, seat, changes }] : [];
    });
    try {
      await this.computers.placeInLab(
        lab.id,
        moves.map(({ row, seat }) => ({
          id: row.id,
          seatRow: seat?.row ?? null,
          seatCol: seat?.col ?? null,
        })),
      );
    } catch (err) {
      // Another change took one of the seats meanwhile: the unique index refused, nothing moved.
      await assertSeatsFree();
      throw err;
    }
    const after = new Map((await this.computers.findByIds(ids)).map((r) => [r.id, r]));
    for (const { row, changes } of moves) {
      await this.audit.record({
        actor_type: 'user',
        actor_id: actor.user.id,
        action: 'computer.update',
        target_type: 'computer',
        target_id: row.id,
        ip: actor.ip,
        details: { hostname: row.hostname, changes },
      });
      const now = after.get(row.id);
      if (now) this.publish({ type: 'computer.upsert', computer: toSummary(now) });
    }
    return ids.flatMap((id) => after.get(id) ?? []);
  }
}

function seatTaken(holder: ComputerRow, seat: Seat, hint = 'move it first'): ApiError {
  return new ApiError(
    409,
    'seat_taken',
    `row ${seat.row}, column ${seat.col} is taken by ${holder.hostname}; ${hint}`,
    { computerId: holder.id },
  );
}
