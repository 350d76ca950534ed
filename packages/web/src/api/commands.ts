import { type CommandCreate, CommandDetail, CommandList, type CommandListQuery } from '@labmgr/protocol';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from './client.js';

/** What the job history asks the list route for (its own filters; `limit`/`offset` page it). */
export type CommandListParams = Partial<CommandListQuery>;

/** Query keys of the commands area. */
export const commandKeys = {
  all: ['commands'] as const,
  lists: ['commands', 'list'] as const,
  list: (params: CommandListParams) => ['commands', 'list', params] as const,
  detail: (id: string) => ['commands', 'detail', id] as const,
};

export function fetchCommands(params: CommandListParams, signal?: AbortSignal): Promise<CommandList> {
  return apiRequest('/commands', CommandList, { signal, query: { ...params } });
}

/**
 * One page of the job history. Live `command.run` events patch its counts in
 * place (see the page); a slow poll catches commands started elsewhere.
 */
export function useCommands(params: CommandListParams) {
  return useQuery({
    queryKey: commandKeys.list(params),
    queryFn: ({ signal }) => fetchCommands(params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

export function useCommand(id: string) {
  return useQuery({
    queryKey: commandKeys.detail(id),
    queryFn: ({ signal }) => apiRequest(`/commands/${encodeURIComponent(id)}`, CommandDetail, { signal }),
  });
}

/** Starts a command; the new job lands in the cache and the history is refreshed. */
export function useCreateCommand() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CommandCreate) => apiRequest('/commands', CommandDetail, { method: 'POST', body }),
    onSuccess: (job) => {
      queryClient.setQueryData(commandKeys.detail(job.id), job);
      void queryClient.invalidateQueries({ queryKey: commandKeys.lists });
    },
  });
}

/** Stops the runs of a job that have not finished. */
export function useCancelCommand() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest(`/commands/${encodeURIComponent(id)}/cancel`, CommandDetail, { method: 'POST' }),
    onSuccess: (job) => {
      queryClient.setQueryData(commandKeys.detail(job.id), job);
      void queryClient.invalidateQueries({ queryKey: commandKeys.lists });
    },
  });
}

/** Runs a job again, exactly as it was sent, on the same targets; answers the new job. */
export function useRerunCommand() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest(`/commands/${encodeURIComponent(id)}/rerun`, CommandDetail, { method: 'POST' }),
    onSuccess: (job) => {
      queryClient.setQueryData(commandKeys.detail(job.id), job);
      void queryClient.invalidateQueries({ queryKey: commandKeys.lists });
    },
  });
}
