import { type EnrollmentTokenCreate, EnrollmentTokenCreated, EnrollmentTokenList } from '@labmgr/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from './client.js';
import { useLiveEvents } from './LiveProvider.js';

/** Query keys of the enrollment page (prefixed with its area). */
export const enrollmentKeys = {
  all: ['enrollment'] as const,
  tokens: ['enrollment', 'tokens'] as const,
};

/** Tokens the page lists at most; older ones are rarely of interest (newest first). */
const TOKEN_LIMIT = 500;

export function useEnrollmentTokens() {
  return useQuery({
    queryKey: enrollmentKeys.tokens,
    queryFn: ({ signal }) =>
      apiRequest('/enrollment-tokens', EnrollmentTokenList, { signal, query: { limit: TOKEN_LIMIT } }),
    // States move on by themselves (expiry), so refresh now and then.
    refetchInterval: 60_000,
  });
}

export function useCreateEnrollmentToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: EnrollmentTokenCreate) =>
      apiRequest('/enrollment-tokens', EnrollmentTokenCreated, { method: 'POST', body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: enrollmentKeys.tokens }),
  });
}

export function useRevokeEnrollmentToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest(`/enrollment-tokens/${encodeURIComponent(id)}`, null, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: enrollmentKeys.tokens }),
  });
}

/**
 * Refreshes the token list when a computer enrolls, so "uses left" drops as
 * the admin runs the commands. A just-enrolled computer is announced live
 * before its agent ever connected (no last-seen time yet).
 */
export function useRefreshTokensOnEnroll(): void {
  const queryClient = useQueryClient();
  useLiveEvents((events) => {
    const enrolled = events.some((e) => e.type === 'computer.upsert' && e.computer.lastSeenAt === null);
    if (enrolled) void queryClient.invalidateQueries({ queryKey: enrollmentKeys.tokens });
  });
}
