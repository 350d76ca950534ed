import { useMemo } from 'react';
import { useLiveState } from '../../api/LiveProvider.js';
import { useComputers, useLabList } from '../../api/queries.js';
import type { TargetNames } from './job-model.js';

/** Computer and lab names from the fleet and lab lists, to describe a job's target. */
export function useTargetNames(): TargetNames & { computerIds: ReadonlySet<string> } {
  const live = useLiveState();
  const fleet = useComputers(live).data?.items;
  const labs = useLabList().data?.items;
  return useMemo(() => {
    const computers = new Map((fleet ?? []).map((c) => [c.id, c.displayName ?? c.hostname]));
    const labNames = new Map((labs ?? []).map((l) => [l.id, l.name]));
    return {
      computer: (id) => computers.get(id),
      lab: (id) => labNames.get(id),
      computerIds: new Set(computers.keys()),
    };
  }, [fleet, labs]);
}
