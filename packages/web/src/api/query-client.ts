import { QueryClient } from '@tanstack/react-query';
import { ApiError, setUnauthorizedHandler } from './client.js';
import { clearSession } from './queries.js';

/** Client errors (4xx) will not go away by asking again; network and server errors might. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

/**
 * The app's query cache. A 401 from any call ends the session in the UI:
 * the user is sent back to the login page and cached data is dropped.
 */
export function createQueryClient(): QueryClient {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  setUnauthorizedHandler(() => clearSession(queryClient));
  return queryClient;
}
