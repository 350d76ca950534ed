import type { ComputerDetail, ComputerUpdate, Seat } from '@labmgr/protocol';

/** The editable fields as the form holds them (inputs want strings and numbers, not nulls). */
export interface ManageForm {
  displayName: string;
  labId: string | null;
  seatRow: number | '';
  seatCol: number | '';
  tags: string[];
  notes: string;
}

export function toForm(c: ComputerDetail): ManageForm {
  return {
    displayName: c.displayName ?? '',
    labId: c.labId,
    seatRow: c.seat?.row ?? '',
    seatCol: c.seat?.col ?? '',
    tags: [...c.tags],
    notes: c.notes ?? '',
  };
}

function formSeat(f: ManageForm): Seat | null {
  if (f.labId === null || f.seatRow === '' || f.seatCol === '') return null;
  return { row: f.seatRow, col: f.seatCol };
}

/** What a seat half-filled in means: nothing can be saved until both or neither are given. */
export function seatError(f: ManageForm): string | null {
  if (f.labId === null) return null;
  return (f.seatRow === '') === (f.seatCol === '') ? null : 'Give both the row and the seat, or neither';
}

/**
 * Only the fields that changed, as the PATCH body; null when nothing did.
 * Blank text means "none" (null) for the name and the notes.
 */
export function changes(before: ComputerDetail, f: ManageForm): ComputerUpdate | null {
  const body: ComputerUpdate = {};
  const name = f.displayName.trim() === '' ? null : f.displayName.trim();
  if (name !== before.displayName) body.displayName = name;
  if (f.labId !== before.labId) body.labId = f.labId;
  const seat = formSeat(f);
  if (seat?.row !== before.seat?.row || seat?.col !== before.seat?.col) body.seat = seat;
  const tags = [...new Set(f.tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].sort();
  if (tags.join('\n') !== [...before.tags].sort().join('\n')) body.tags = tags;
  const notes = f.notes.trim() === '' ? null : f.notes;
  if (notes !== before.notes) body.notes = notes;
  return Object.keys(body).length > 0 ? body : null;
}
