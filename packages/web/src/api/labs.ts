import {
  ComputerDetail,
  type ComputerList,
  type ComputerSummary,
  Lab,
  type LabCreate,
  LabList,
  type LabUpdate,
} from '@labmgr/protocol';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { applyPlacements, finalPlacements, type Placement } from '../pages/labs/lab-model.js';
import { apiRequest } from './client.js';
import { queryKeys } from './queries.js';

export const labKeys = {
  all: ['labs'] as const,
  list: ['labs', 'list'] as const,
  detail: (id: string) => ['labs', 'detail', id] as const,
};

/**
 * Every lab. Labs change only when an administrator edits one (no live
 * event), so this page's own mutations refresh it.
 */
export function useLabs() {
  return useQuery({
    queryKey: labKeys.list,
    queryFn: ({ signal }) => apiRequest('/labs', LabList, { signal }),
    staleTime: 30_000,
  });
}

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
 * Places computers (lab and seat), one PATCH per step in order: a swap must
 * free the seat before it is taken. The room redraws at once from the
 * planned outcome; on failure the computers go back where they were and the
 * steps already done stay (the live feed and the answers say so).
 */
export function usePlaceComputers() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (steps: readonly Placement[]) => {
      for (const step of steps) {
        const detail = await apiRequest(`/computers/${encodeURIComponent(step.computerId)}`, ComputerDetail, {
          method: 'PATCH',
          body: { labId: step.labId, seat: step.seat },
        });
        replaceComputer(queryClient, toSummary(detail));
      }
    },
    onMutate: async (steps) => {
      await queryClient.cancelQueries({ queryKey: queryKeys.computers });
      const before = queryClient.getQueryData<ComputerList>(queryKeys.computers);
      const final = finalPlacements(steps);
      const previous = new Map<string, Placement>();
      for (const c of before?.items ?? []) {
        if (final.has(c.id)) previous.set(c.id, { computerId: c.id, labId: c.labId, seat: c.seat });
      }
      queryClient.setQueryData<ComputerList>(queryKeys.computers, (list) =>
        list ? { ...list, items: applyPlacements(list.items, final) } : list,
      );
      return { previous };
    },
    onError: (_error, _steps, context) => {
      if (!context) return;
      queryClient.setQueryData<ComputerList>(queryKeys.computers, (list) =>
        list ? { ...list, items: applyPlacements(list.items, context.previous) } : list,
      );
      // Some steps may have gone through before the failure: ask for the truth.
      void queryClient.invalidateQueries({ queryKey: queryKeys.computers });
    },
    onSettled: () => refreshLabs(queryClient),
  });
}
