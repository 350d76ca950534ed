/**
 * Which computers are selected for a bulk action. Pure functions over an
 * immutable set, so React sees a new set exactly when the selection changed.
 */
export interface Selection {
  ids: ReadonlySet<string>;
  /** The last computer toggled on its own: the anchor of a shift-click range. */
  anchor: string | null;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null };

/**
 * Toggles one computer; with `extend` (shift held), sets every computer
 * between the anchor and this one, in the order shown, to this one's new state.
 */
export function toggle(
  selection: Selection,
  id: string,
  extend: boolean,
  shown: readonly string[],
): Selection {
  const ids = new Set(selection.ids);
  const on = !ids.has(id);
  const from = extend && selection.anchor !== null ? shown.indexOf(selection.anchor) : -1;
  const to = shown.indexOf(id);
  if (from >= 0 && to >= 0) {
    const [a, b] = from <= to ? [from, to] : [to, from];
    for (const other of shown.slice(a, b + 1)) {
      if (on) ids.add(other);
      else ids.delete(other);
    }
  } else if (on) ids.add(id);
  else ids.delete(id);
  return { ids, anchor: id };
}

/** Selects everything shown, or, when all of it is already selected, clears those. */
export function toggleAll(selection: Selection, shown: readonly string[]): Selection {
  const all = shown.length > 0 && shown.every((id) => selection.ids.has(id));
  const ids = new Set(selection.ids);
  for (const id of shown) {
    if (all) ids.delete(id);
    else ids.add(id);
  }
  return { ids, anchor: null };
}
