import {
  ComputerDetail,
  ComputerList,
  type ComputerSummary,
  Lab,
  type LabCreate,
  type LabList,
  type LabUpdate,
  type SeatAssignment,
} from '@labmgr/protocol';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { applyPlacements, finalPlacements, type Placement } from '../pages/labs/lab-model.js';
import { apiRequest } from './client.js';
import { queryKeys } from './queries.js';

export const labKeys = {
  all: ['labs'] as const,
  list: queryKeys.labs,
  detail: (id: string) => ['labs', 'detail', id] as const,
};

/** One lab; shows the list's copy at once when the labs page was visited first. */
export function useLab(id: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: labKeys.detail(id),
    queryFn: ({ signal }) => apiRequest(`/labs/${encodeURIComponent(id)}`, Lab, { signal }),
    initialData: () => queryClient.getQueryData<LabList>(labKeys.list)?.items.find((lab) => lab.id === id),
    initialDataUpdatedAt: () => queryClient.getQueryState(labKeys.list)?.dataUpdatedAt,
    staleTime: 30_000,
  });
}

function refreshLabs(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: labKeys.all });
}

export function useCreateLab() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LabCreate) => apiRequest('/labs', Lab, { method: 'POST', body }),
    onSuccess: (lab) => {
      queryClient.setQueryData(labKeys.detail(lab.id), lab);
      return refreshLabs(queryClient);
    },
  });
}

export function useUpdateLab() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: LabUpdate }) =>
      apiRequest(`/labs/${encodeURIComponent(id)}`, Lab, { method: 'PATCH', body }),
    onSuccess: (lab) => {
      queryClient.setQueryData(labKeys.detail(lab.id), lab);
      return refreshLabs(queryClient);
    },
  });
}

export function useDeleteLab() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest(`/labs/${encodeURIComponent(id)}`, null, { method: 'DELETE' }),
    onSuccess: (_data, id) => {
      queryClient.removeQueries({ queryKey: labKeys.detail(id) });
      // The server took the lab's computers out of it; no live event says so.
      return Promise.all([
        refreshLabs(queryClient),
        queryClient.invalidateQueries({ queryKey: queryKeys.computers }),
      ]).then(() => undefined);
    },
  });
}

/** A computer's summary fields out of the detail a PATCH answers with. */
function toSummary(detail: ComputerDetail): ComputerSummary {
  const { createdAt, notes, inventory, inventoryUpdatedAt, latestSample, ...summary } = detail;
  return summary;
}

function replaceComputer(queryClient: QueryClient, computer: ComputerSummary): void {
  queryClient.setQueryData<ComputerList>(queryKeys.computers, (list) =>
    list ? { ...list, items: list.items.map((c) => (c.id === computer.id ? computer : c)) } : list,
  );
}

/**
 * Places computers (lab and seat). Those going into a lab go in one call per
 * lab, which the server applies all together: a swap never stops halfway.
 * Taking a computer out of every lab is a PATCH of its own. The room redraws
 * at once from the planned outcome; on failure the computers go back where
 * they were.
 */
export function usePlaceComputers() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (placements: readonly Placement[]) => {
      const byLab = new Map<string, SeatAssignment[]>();
      for (const { computerId, labId, seat } of placements) {
        if (labId === null) {
          const detail = await apiRequest(`/computers/${encodeURIComponent(computerId)}`, ComputerDetail, {
            method: 'PATCH',
            body: { labId: null, seat: null },
          });
          replaceComputer(queryClient, toSummary(detail));
          continue;
        }
        const assignments = byLab.get(labId) ?? [];
        assignments.push({ computerId, seat });
        byLab.set(labId, assignments);
      }
      for (const [labId, assignments] of byLab) {
        const placed = await apiRequest(`/labs/${encodeURIComponent(labId)}/seats`, ComputerList, {
          method: 'POST',
          body: { assignments },
        });
        for (const computer of placed.items) replaceComputer(queryClient, computer);
      }
    },
    onMutate: async (placements) => {
      await queryClient.cancelQueries({ queryKey: queryKeys.computers });
      const before = queryClient.getQueryData<ComputerList>(queryKeys.computers);
      const final = finalPlacements(placements);
      const previous = new Map<string, Placement>();
      for (const c of before?.items ?? []) {
        if (final.has(c.id)) previous.set(c.id, { computerId: c.id, labId: c.labId, seat: c.seat });
      }
      queryClient.setQueryData<ComputerList>(queryKeys.computers, (list) =>
        list ? { ...list, items: applyPlacements(list.items, final) } : list,
      );
      return { previous };
    },
    onError: (_error, _placements, context) => {
      if (!context) return;
      queryClient.setQueryData<ComputerList>(queryKeys.computers, (list) =>
        list ? { ...list, items: applyPlacements(list.items, context.previous) } : list,
      );
      // Live events may have crossed the rollback: ask for the truth.
      void queryClient.invalidateQueries({ queryKey: queryKeys.computers });
    },
    onSettled: () => refreshLabs(queryClient),
  });
}
