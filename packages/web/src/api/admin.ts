import {
  type ApiTokenCreate,
  ApiTokenCreated,
  ApiTokenList,
  AuditList,
  type AuditQuery,
  type PasswordChange,
  RelayCreated,
  RelayList,
  type UserCreate,
  UserDetail,
  UserList,
  type UserUpdate,
} from '@labmgr/protocol';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from './client.js';
import { queryKeys } from './queries.js';

/** Query keys of the administration pages (prefixed with their area). */
export const adminKeys = {
  users: ['admin', 'users'] as const,
  apiTokens: ['admin', 'api-tokens'] as const,
  relays: ['admin', 'relays'] as const,
  audit: (query: AuditRequest) => ['admin', 'audit', query] as const,
  auditAll: ['admin', 'audit'] as const,
};

/** Largest page the list endpoints serve: a school's users or tokens fit in one. */
const LIST_LIMIT = 1000;

// ---- users -----------------------------------------------------------------------

/**
 * Every user. The one query for the list: the users page, the commands "who"
 * filter and the enrollment page's token creators share it, so the user
 * mutations below refresh all of them.
 */
export function useUsers(enabled = true) {
  return useQuery({
    queryKey: adminKeys.users,
    queryFn: ({ signal }) => apiRequest('/users', UserList, { signal, query: { limit: LIST_LIMIT } }),
    enabled,
  });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UserCreate) => apiRequest('/users', UserDetail, { method: 'POST', body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.users }),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UserUpdate }) =>
      apiRequest(`/users/${encodeURIComponent(id)}`, UserDetail, { method: 'PATCH', body }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.users });
      // An admin renaming themselves sees the new name in the header at once.
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}

export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest(`/users/${encodeURIComponent(id)}`, null, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.users }),
  });
}

// ---- API tokens (the signed-in user's own) ---------------------------------------

export function useApiTokens() {
  return useQuery({
    queryKey: adminKeys.apiTokens,
    queryFn: ({ signal }) =>
      apiRequest('/api-tokens', ApiTokenList, { signal, query: { limit: LIST_LIMIT } }),
  });
}

export function useCreateApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ApiTokenCreate) =>
      apiRequest('/api-tokens', ApiTokenCreated, { method: 'POST', body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.apiTokens }),
  });
}

export function useRevokeApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest(`/api-tokens/${encodeURIComponent(id)}`, null, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.apiTokens }),
  });
}

// ---- relays ------------------------------------------------------------------------

export function useRelays() {
  return useQuery({
    queryKey: adminKeys.relays,
    queryFn: ({ signal }) => apiRequest('/relays', RelayList, { signal }),
    // Relays report every 30 s: follow their status without a reload.
    refetchInterval: 15_000,
  });
}

export function useCreateRelay() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => apiRequest('/relays', RelayCreated, { method: 'POST', body: { name } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.relays }),
  });
}

export function useDeleteRelay() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest(`/relays/${encodeURIComponent(id)}`, null, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.relays }),
  });
}

// ---- audit log ---------------------------------------------------------------------

/** One page of the audit log as the server filters it. */
export type AuditRequest = AuditQuery;

export function useAuditLog(query: AuditRequest) {
  return useQuery({
    queryKey: adminKeys.audit(query),
    queryFn: ({ signal }) => apiRequest('/audit', AuditList, { signal, query: { ...query } }),
    // Paging and filtering keep the current rows on screen until the next page arrives.
    placeholderData: keepPreviousData,
  });
}

// ---- own account -------------------------------------------------------------------

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PasswordChange) => apiRequest('/auth/password', null, { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.auditAll }),
  });
}
