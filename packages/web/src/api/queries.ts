import {
  ComputerList,
  LabList,
  type LoginRequest,
  LoginResponse,
  type MeResponse as Me,
  MeResponse,
} from '@labmgr/protocol';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiRequest } from './client.js';
import type { LiveState } from './live.js';

/** Every query key of the app, in one place. */
export const queryKeys = {
  me: ['auth', 'me'] as const,
  computers: ['computers', 'list'] as const,
  labs: ['labs', 'list'] as const,
};

/**
 * Every lab (rooms are few; the list is small). The one query for it: the
 * fleet filters, the labs pages, the target and lab pickers and the
 * enrollment page all share it, so a lab edited on the labs page shows
 * everywhere at once.
 */
export function useLabList(enabled = true) {
  return useQuery({
    queryKey: queryKeys.labs,
    queryFn: ({ signal }) => apiRequest('/labs', LabList, { signal }),
    staleTime: 30_000,
    enabled,
  });
}

/** Largest page the list endpoint serves; the fleet view keeps the whole fleet in memory. */
const FLEET_LIMIT = 10_000;

/** Who is signed in; null when nobody is (the server answered 401). */
export async function fetchMe(signal?: AbortSignal): Promise<Me | null> {
  try {
    return await apiRequest('/auth/me', MeResponse, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.isUnauthorized) return null;
    throw error;
  }
}

export function useMe() {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => fetchMe(signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Forgets everything that belongs to the previous session. */
export function clearSession(queryClient: QueryClient): void {
  queryClient.setQueryData(queryKeys.me, null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => apiRequest('/auth/login', LoginResponse, { method: 'POST', body }),
    onSuccess: (data) => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
      queryClient.setQueryData(queryKeys.me, data);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest('/auth/logout', null, { method: 'POST' }),
    // Even if the server could not be told, this page forgets the session.
    onSettled: () => clearSession(queryClient),
  });
}

export function fetchComputers(signal?: AbortSignal): Promise<ComputerList> {
  return apiRequest('/computers', ComputerList, { signal, query: { limit: FLEET_LIMIT } });
}

/**
 * Reloads the fleet for a fresh live connection. A fetch still in flight is
 * dropped first: it may have started before the socket opened, and events
 * from that gap would be missing from its answer.
 */
export async function resyncComputers(queryClient: QueryClient): Promise<void> {
  await queryClient.cancelQueries({ queryKey: queryKeys.computers });
  await queryClient.fetchQuery({
    queryKey: queryKeys.computers,
    queryFn: ({ signal }) => fetchComputers(signal),
    staleTime: 0,
  });
}

/**
 * The whole fleet. Live events keep it current (see `LiveProvider`), which
 * also loads it each time the socket opens; so the query itself waits out the
 * first connection attempt (one request instead of two) and polls only while
 * the live connection is down.
 */
export function useComputers(live: LiveState) {
  const firstAttempt = live.kind === 'connecting' && live.attempt === 0;
  const isLive = live.kind === 'open';
  return useQuery({
    queryKey: queryKeys.computers,
    queryFn: ({ signal }) => fetchComputers(signal),
    enabled: !firstAttempt,
    staleTime: isLive ? Number.POSITIVE_INFINITY : 15_000,
    refetchInterval: isLive ? false : 30_000,
  });
}
