import { ErrorBody } from '@labmgr/protocol';

/**
 * What the client needs of a response schema: any zod schema from
 * `@labmgr/protocol` fits (kept structural so this package needs no zod import).
 */
export interface ResponseSchema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { issues: unknown } };
}

/** Prefix of every REST route. */
export const API_BASE = '/api/v1';

/**
 * Any failed API call. `status` is the HTTP status, or 0 when the server
 * could not be reached; `code` and `message` come from the server's
 * `{"error":{...}}` body when it sent one.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** True for "your session is gone": the UI returns to the login page. */
  get isUnauthorized(): boolean {
    return this.status === 401;
  }
}

type UnauthorizedHandler = (error: ApiError) => void;
let onUnauthorized: UnauthorizedHandler = () => {};

/** Registers what happens when any call answers 401 (the app shows the login page). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. Omitted entirely when undefined (some servers reject an empty JSON body). */
  body?: unknown;
  signal?: AbortSignal;
  /** Query-string parameters; undefined values are skipped. */
  query?: Record<string, string | number | undefined>;
}

/**
 * Calls the API and validates the answer against `schema`. A 204 (or a call
 * with `schema` null) resolves to undefined. Throws {@link ApiError} on any
 * failure; a 401 also triggers the unauthorized handler.
 */
export async function apiRequest<T>(
  path: string,
  schema: ResponseSchema<T>,
  options?: RequestOptions,
): Promise<T>;
export async function apiRequest(path: string, schema: null, options?: RequestOptions): Promise<undefined>;
export async function apiRequest(
  path: string,
  schema: ResponseSchema<unknown> | null,
  options: RequestOptions = {},
): Promise<unknown> {
  const { method = 'GET', body, signal, query } = options;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError(0, 'network', 'Cannot reach the Lab Manager server. Check your connection.');
  }

  if (!response.ok) {
    const error = await errorFromResponse(response);
    if (error.isUnauthorized) onUnauthorized(error);
    throw error;
  }
  if (schema === null || response.status === 204) return undefined;

  const json: unknown = await response.json().catch(() => undefined);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(
      response.status,
      'bad_response',
      'The server sent an answer this page does not understand. Reload the page; if it persists, the server and web app versions may differ.',
      parsed.error.issues,
    );
  }
  return parsed.data;
}

function buildUrl(path: string, query: RequestOptions['query']): string {
  const url = `${API_BASE}${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

async function errorFromResponse(response: Response): Promise<ApiError> {
  const json: unknown = await response.json().catch(() => undefined);
  const parsed = ErrorBody.safeParse(json);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError(response.status, code, message, details);
  }
  return new ApiError(response.status, `http_${response.status}`, fallbackMessage(response.status));
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'Your session has ended. Sign in again.';
  if (status === 403) return 'You do not have permission to do this.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Wait a moment and try again.';
  if (status >= 500) return `The server had a problem (HTTP ${status}). Try again in a moment.`;
  return `The request failed (HTTP ${status}).`;
}
