import type { ComputerSummary, Lab } from '@labmgr/protocol';
import type { ActionTarget } from './types.js';
import { computerName } from './wording.js';

export type PickMode = 'computers' | 'lab' | 'tag' | 'allOnline';

/** What the target picker holds: each mode keeps its own choice while the person switches between them. */
export interface TargetPick {
  mode: PickMode;
  computerIds: string[];
  labId: string | null;
  tag: string | null;
}

export const EMPTY_PICK: TargetPick = { mode: 'computers', computerIds: [], labId: null, tag: null };

/** The target the picker names, or null while it names nothing yet. */
export function pickedTarget(
  pick: TargetPick,
  fleet: readonly ComputerSummary[] | undefined,
  labs: readonly Lab[] | undefined,
): ActionTarget | null {
  switch (pick.mode) {
    case 'computers': {
      if (pick.computerIds.length === 0) return null;
      const byId = new Map((fleet ?? []).map((c) => [c.id, c]));
      return {
        type: 'computers',
        computers: pick.computerIds.map((id) => {
          const c = byId.get(id);
          return { id, name: c ? computerName(c) : id };
        }),
      };
    }
    case 'lab': {
      const lab = labs?.find((l) => l.id === pick.labId);
      return lab ? { type: 'lab', labId: lab.id, name: lab.name } : null;
    }
    case 'tag':
      return pick.tag === null ? null : { type: 'tag', tag: pick.tag };
    case 'allOnline':
      return { type: 'allOnline' };
  }
}

/** Every tag in the fleet with how many computers carry it, by name. */
export function fleetTags(fleet: readonly ComputerSummary[]): { tag: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const c of fleet) for (const t of c.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([tag, count]) => ({ tag, count })).sort((a, b) => a.tag.localeCompare(b.tag));
}

/** Fleet computers as picker options, by name; the hostname added when a display name hides it. */
export function computerOptions(fleet: readonly ComputerSummary[]): { value: string; label: string }[] {
  return fleet
    .map((c) => ({
      value: c.id,
      label: c.displayName && c.displayName !== c.hostname ? `${c.displayName} (${c.hostname})` : c.hostname,
      online: c.status === 'online',
    }))
    .sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }))
    .map(({ value, label, online }) => ({ value, label: online ? label : `${label} · offline` }));
}
