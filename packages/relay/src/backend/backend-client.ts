import {
  AgentAuthRequest,
  AgentAuthResponse,
  ErrorBody,
  IngestBatch,
  IngestResult,
  PresenceBody,
} from '@labmgr/protocol';
import { createConnectionPool, type HttpOutcome, postJson, postJsonText } from './http.js';

/** Answer to "may this credential connect?". */
export type AgentAuthOutcome =
  | {
      kind: 'accepted';
      agent: AgentAuthResponse;
      /**
       * Set when the backend could not be asked and the relay let the agent in
       * on a verdict it stored earlier (epoch ms of that verdict); the
       * credential is checked again once the backend answers.
       */
      stale?: { verifiedAt: number };
    }
  /** The backend said no (401/403), or the credential cannot be valid at all. */
  | { kind: 'refused'; status: number; message: string }
  /** No usable answer: network error, timeout, 5xx or a malformed reply. Try later. */
  | { kind: 'unavailable'; reason: string };

/** Outcome of a data call (ingest, presence); decides retry vs. drop. */
export type SendOutcome<T> =
  | { kind: 'ok'; value: T }
  /** Network error, timeout, 5xx, 408 or 429: the same batch may be retried. */
  | { kind: 'failed'; reason: string }
  /**
   * Any other 4xx, an invalid request or an invalid 2xx reply: a bug on one
   * side. Retrying the same bytes cannot help.
   */
  | { kind: 'rejected'; reason: string; status?: number; body?: string };

export interface BackendClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8080`; a path prefix is kept. */
  backendUrl: string;
  /** The relay's service token. */
  token: string;
  /** Per-call deadlines in ms. @default { auth: 5000, ingest: 10000, presence: 5000 } */
  timeouts?: Partial<Record<'auth' | 'ingest' | 'presence', number>>;
  /** PEM certificate trusted for an https backend besides the system CAs. */
  backendCa?: string | undefined;
  /**
   * Longest wait honoured from a `Retry-After` on a 503 or 429, in ms (a
   * larger one is cut to this). 0 ignores `Retry-After`. @default 300_000
   */
  maxRetryAfterMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** Longest `Retry-After` the client honours by default: 5 minutes. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 300_000;

/**
 * One agent data frame on its way to the backend: an `IngestItem` whose
 * `frame` is kept as the JSON text the agent sent, already checked against
 * `AgentDataFrame` on receipt, so it is forwarded without encoding it again.
 */
export interface ForwardItem {
  /** The agent's computer id (a UUID the backend issued). */
  computerId: string;
  /** Epoch ms when the relay received the frame. */
  receivedAt: number;
  /** The frame's JSON text as received; a valid `AgentDataFrame`. */
  text: string;
}

/** An `IngestBatch` whose frames are {@link ForwardItem} texts. */
export interface ForwardBatch {
  relayId: string;
  items: readonly ForwardItem[];
}

/** Client of the backend's three internal routes; every method resolves, never rejects. */
export interface BackendClient {
  authenticateAgent(credential: string): Promise<AgentAuthOutcome>;
  /** Posts an `IngestBatch`, built from the items' frame texts. */
  ingest(batch: ForwardBatch): Promise<SendOutcome<IngestResult>>;
  presence(body: PresenceBody): Promise<SendOutcome<void>>;
}

/** The `IngestBatch` JSON of `batch`, the frames spliced in as received. */
export function encodeIngestBatch(batch: ForwardBatch): string {
  const parts: string[] = new Array(batch.items.length);
  for (let i = 0; i < batch.items.length; i++) {
    const item = batch.items[i] as ForwardItem;
    // computerId is a UUID and receivedAt an integer: neither needs escaping.
    parts[i] = `{"computerId":"${item.computerId}","receivedAt":${item.receivedAt},"frame":${item.text}}`;
  }
  return `{"relayId":${JSON.stringify(batch.relayId)},"items":[${parts.join(',')}]}`;
}

/** `IngestBatch` without its items (see `ingest`). */
const IngestEnvelope = IngestBatch.pick({ relayId: true });
/** `IngestBatch.items` and `PresenceBody.events` take 1 to this many entries. */
export const MAX_BATCH_ENTRIES = 10_000;

type Response = Extract<HttpOutcome, { kind: 'response' }>;
interface ZodLikeError {
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
}

export function createBackendClient(options: BackendClientOptions): BackendClient {
  // A trailing slash makes relative resolution keep any path prefix of the base URL.
  const base = new URL(options.backendUrl.endsWith('/') ? options.backendUrl : `${options.backendUrl}/`);
  const urls = {
    auth: new URL('api/v1/internal/agent-auth', base),
    ingest: new URL('api/v1/internal/ingest', base),
    presence: new URL('api/v1/internal/presence', base),
  };
  const timeouts = { auth: 5000, ingest: 10_000, presence: 5000, ...options.timeouts };
  // Keep-alive connections: credential checks (the relay runs up to 64 at once)
  // apart from data, so a reconnect storm does not queue batches behind them.
  const authPool = createConnectionPool({ maxSockets: 64, ca: options.backendCa });
  const dataPool = createConnectionPool({ maxSockets: 4, ca: options.backendCa });
  const now = options.now ?? Date.now;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  /**
   * Epoch ms before which no call goes out: the backend answered 503 or 429
   * with `Retry-After`. Shared by every route, since it is the backend that
   * asked for the pause; calls meanwhile get the same "cannot ask now"
   * outcome as a network error, which their callers already retry later.
   */
  let notBefore = 0;
  const paused = (): string | undefined => {
    const left = notBefore - now();
    return left > 0 ? `backend asked to wait (Retry-After): ${Math.ceil(left / 1000)} s left` : undefined;
  };
  const observe = <T extends HttpOutcome>(out: T): T => {
    if (out.kind === 'response' && (out.status === 503 || out.status === 429) && maxRetryAfterMs > 0) {
      const waitMs = retryAfterMs(out.retryAfter, now());
      if (waitMs !== undefined && waitMs > 0) {
        notBefore = Math.max(notBefore, now() + Math.min(waitMs, maxRetryAfterMs));
      }
    }
    return out;
  };
  const call = async (url: URL, payload: unknown, timeoutMs: number, pool = dataPool) =>
    observe(await postJson(url, payload, { token: options.token, timeoutMs, pool }));

  return {
    async authenticateAgent(credential) {
      const request = AgentAuthRequest.safeParse({ credential });
      // Too long or empty: no backend could accept it, so do not spend a call on it.
      if (!request.success) return { kind: 'refused', status: 401, message: 'malformed credential' };
      const wait = paused();
      if (wait) return { kind: 'unavailable', reason: wait };
      const out = await call(urls.auth, request.data, timeouts.auth, authPool);
      if (out.kind === 'network-error') return { kind: 'unavailable', reason: out.reason };
      if (out.status === 200) {
        const agent = AgentAuthResponse.safeParse(out.body);
        if (agent.success) return { kind: 'accepted', agent: agent.data };
        return { kind: 'unavailable', reason: `invalid agent-auth response: ${describe(agent.error)}` };
      }
      if (out.status === 401 || out.status === 403) {
        return { kind: 'refused', status: out.status, message: errorMessage(out) };
      }
      // Other statuses (5xx, or a 4xx that blames the relay) say nothing about the credential.
      return { kind: 'unavailable', reason: `agent-auth answered ${out.status}: ${errorMessage(out)}` };
    },

    async ingest(batch) {
      // Only the envelope: every item was built from a frame checked against `AgentFrame`
      // on receipt, so validating each one again would repeat that work for every frame.
      const envelope = IngestEnvelope.safeParse({ relayId: batch.relayId });
      if (!envelope.success)
        return { kind: 'rejected', reason: `invalid ingest batch: ${describe(envelope.error)}` };
      if (batch.items.length < 1 || batch.items.length > MAX_BATCH_ENTRIES)
        return { kind: 'rejected', reason: `invalid ingest batch: ${batch.items.length} items` };
      const wait = paused();
      if (wait) return { kind: 'failed', reason: wait };
      const out = observe(
        await postJsonText(urls.ingest, encodeIngestBatch(batch), {
          token: options.token,
          timeoutMs: timeouts.ingest,
          pool: dataPool,
        }),
      );
      if (out.kind === 'network-error') return { kind: 'failed', reason: out.reason };
      if (out.status !== 200) return classifyFailure(out);
      const result = IngestResult.safeParse(out.body);
      if (result.success) return { kind: 'ok', value: result.data };
      return {
        kind: 'rejected',
        reason: `invalid ingest response: ${describe(result.error)}`,
        body: out.text,
      };
    },

    async presence(body) {
      const request = PresenceBody.safeParse(body);
      if (!request.success)
        return { kind: 'rejected', reason: `invalid presence body: ${describe(request.error)}` };
      const wait = paused();
      if (wait) return { kind: 'failed', reason: wait };
      const out = await call(urls.presence, request.data, timeouts.presence);
      if (out.kind === 'network-error') return { kind: 'failed', reason: out.reason };
      if (out.status === 204 || out.status === 200) return { kind: 'ok', value: undefined };
      return classifyFailure(out);
    },
  };
}

/**
 * A `Retry-After` value in ms from `now`: delta-seconds (`120`) or an HTTP
 * date; undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its day and month; `Date.parse` would also take "-5" or "2026".
  if (!/^[A-Za-z]{3}, /.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function classifyFailure(out: Response): SendOutcome<never> {
  // 408 and 429 are the backend asking for patience, not a malformed request.
  if (out.status >= 500 || out.status === 408 || out.status === 429) {
    return { kind: 'failed', reason: `backend answered ${out.status}: ${errorMessage(out)}` };
  }
  return { kind: 'rejected', reason: `backend answered ${out.status}`, status: out.status, body: out.text };
}

function errorMessage(out: Response): string {
  const parsed = ErrorBody.safeParse(out.body);
  if (parsed.success) return parsed.data.error.message;
  return out.text.slice(0, 200) || '(empty body)';
}

function describe(error: ZodLikeError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`;
}
