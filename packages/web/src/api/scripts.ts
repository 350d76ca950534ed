import {
  Script,
  type ScriptCreate,
  ScriptList,
  type ScriptUpdate,
  ScriptVersionList,
} from '@labmgr/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from './client.js';

/** Query keys of the script library. */
export const scriptKeys = {
  all: ['scripts'] as const,
  list: ['scripts', 'list'] as const,
  versions: (id: string) => ['scripts', 'versions', id] as const,
};

const scriptPath = (id: string) => `/scripts/${encodeURIComponent(id)}`;

export function useScripts(enabled = true) {
  return useQuery({
    queryKey: scriptKeys.list,
    queryFn: ({ signal }) => apiRequest('/scripts', ScriptList, { signal }),
    staleTime: 30_000,
    enabled,
  });
}

/** Every stored version of a script, newest first. */
export function useScriptVersions(id: string | null) {
  return useQuery({
    queryKey: scriptKeys.versions(id ?? ''),
    queryFn: ({ signal }) => apiRequest(`${scriptPath(id ?? '')}/versions`, ScriptVersionList, { signal }),
    enabled: id !== null,
  });
}

export function useCreateScript() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ScriptCreate) => apiRequest('/scripts', Script, { method: 'POST', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: scriptKeys.all }),
  });
}

export function useUpdateScript() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ScriptUpdate }) =>
      apiRequest(scriptPath(id), Script, { method: 'PATCH', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: scriptKeys.all }),
  });
}

export function useDeleteScript() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest(scriptPath(id), null, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: scriptKeys.all }),
  });
}
