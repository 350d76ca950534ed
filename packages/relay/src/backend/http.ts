/** What came back from one HTTP call, or why nothing did. Never a thrown error. */
export type HttpOutcome =
  | { kind: 'response'; status: number; body: unknown; text: string }
  | { kind: 'network-error'; reason: string };

export interface PostJsonOptions {
  /** Bearer token sent as `Authorization`. */
  token: string;
  /** Abort the whole call (connect, send, read the body) after this long. */
  timeoutMs: number;
}

/**
 * POSTs a JSON body. A non-JSON or empty response body yields `body: undefined`
 * (the caller validates it with a schema anyway); `text` keeps the raw body,
 * capped, for log lines.
 */
export async function postJson(url: URL, payload: unknown, options: PostJsonOptions): Promise<HttpOutcome> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await res.text();
    return { kind: 'response', status: res.status, body: parseJson(text), text: text.slice(0, 2000) };
  } catch (err) {
    return { kind: 'network-error', reason: describeFetchError(err) };
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// fetch hides the useful part (ECONNREFUSED, timeout) in `cause`.
function describeFetchError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const cause = err.cause;
    if (cause instanceof Error) {
      const code = (cause as NodeJS.ErrnoException).code;
      return code ? `${err.message}: ${code}` : `${err.message}: ${cause.message}`;
    }
    return err.message;
  }
  return String(err);
}
