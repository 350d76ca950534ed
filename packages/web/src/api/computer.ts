import {
  type CommandCreate,
  CommandDetail,
  CommandList,
  ComputerDetail,
  type ComputerUpdate,
  LiveModeResponse,
  MetricSeries,
  RevokeResponse,
} from '@labmgr/protocol';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from './client.js';
import { queryKeys } from './queries.js';

/** Query keys of the computer detail page. */
export const computerKeys = {
  all: ['computer'] as const,
  detail: (id: string) => ['computer', 'detail', id] as const,
  metrics: (id: string, from: number, to: number) => ['computer', 'metrics', id, from, to] as const,
  commands: (id: string) => ['computer', 'commands', id] as const,
  command: (commandId: string) => ['computer', 'command', commandId] as const,
};

const path = (id: string) => `/computers/${encodeURIComponent(id)}`;

/** One computer with its inventory and, while watched live, its latest full sample. */
export function useComputerDetail(id: string) {
  return useQuery({
    queryKey: computerKeys.detail(id),
    queryFn: ({ signal }) => apiRequest(path(id), ComputerDetail, { signal }),
    // Live events keep the status current; the rest changes rarely.
    staleTime: 30_000,
    retry: (count, error) => count < 2 && !('status' in error && error.status === 404),
  });
}

/** Charted history between two instants (epoch ms); the server picks the resolution. */
export function useComputerMetrics(id: string, from: number, to: number) {
  return useQuery({
    queryKey: computerKeys.metrics(id, from, to),
    queryFn: ({ signal }) =>
      apiRequest(`${path(id)}/metrics`, MetricSeries, {
        signal,
        query: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      }),
    // Switching range or zooming keeps the previous lines until the new ones arrive.
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/**
 * Asks the agent to sample every second for `ttlSec` and the backend to push
 * its full samples (`computer.sample`). Answers 409 when the computer is offline.
 */
export function requestLiveMode(id: string, ttlSec: number): Promise<LiveModeResponse> {
  return apiRequest(`${path(id)}/live-mode`, LiveModeResponse, {
    method: 'POST',
    body: { intervalMs: 1000, ttlSec },
  });
}

/** Administrators' changes (name, lab, seat, tags, notes); the answer replaces the cached detail. */
export function useUpdateComputer(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ComputerUpdate) => apiRequest(path(id), ComputerDetail, { method: 'PATCH', body }),
    onSuccess: (detail) => {
      queryClient.setQueryData(computerKeys.detail(id), detail);
      void queryClient.invalidateQueries({ queryKey: queryKeys.computers });
    },
  });
}

/** Retires the computer: its credential stops working and its agent is disconnected. */
export function useRevokeComputer(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(`${path(id)}/revoke`, RevokeResponse, { method: 'POST', body: {} }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: computerKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.computers });
    },
  });
}

/** How many of this computer's commands the page lists. */
export const RECENT_COMMANDS = 10;

/** This computer's latest commands, newest first. */
export function useComputerCommands(id: string) {
  return useQuery({
    queryKey: computerKeys.commands(id),
    queryFn: ({ signal }) =>
      apiRequest('/commands', CommandList, { signal, query: { computerId: id, limit: RECENT_COMMANDS } }),
    staleTime: 10_000,
  });
}

/** One command with its runs' full output (the console's final read after live chunks). */
export function fetchCommand(commandId: string, signal?: AbortSignal): Promise<CommandDetail> {
  return apiRequest(`/commands/${encodeURIComponent(commandId)}`, CommandDetail, { signal });
}

/** Starts a command (the console's shell line); refreshes this computer's command list. */
export function useStartCommand(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CommandCreate) => apiRequest('/commands', CommandDetail, { method: 'POST', body }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: computerKeys.commands(id) }),
  });
}
