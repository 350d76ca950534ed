import { type MessageStatusItem, MessageStatusReport, RelayRegistration } from '@labmgr/protocol';
import type { Logger } from 'pino';
import { DEFAULT_MAX_RETRY_AFTER_MS, retryAfterMs } from '../backend/backend-client.js';
import { createConnectionPool, postJson } from '../backend/http.js';

export interface BackendLinkOptions {
  backendUrl: string;
  /** The relay's service token. */
  token: string;
  relayId: string;
  logger: Logger;
  /** The registration body, read at each registration (the agent count changes). */
  registration: () => RelayRegistration;
  /** @default 30_000 */
  registerIntervalMs?: number;
  /** Status reports are sent at most this often, batched. @default 1000 */
  reportFlushMs?: number;
  /** Reports kept while the backend is unreachable; the oldest go first. @default 50_000 */
  maxPendingReports?: number;
  /** @default 10_000 */
  timeoutMs?: number;
  /** PEM certificate trusted for an https backend besides the system CAs. */
  backendCa?: string | undefined;
}

export interface BackendLink {
  /** Registers now and then every `registerIntervalMs`. */
  start(): void;
  /** Queues message-status reports for the next flush. */
  report(items: MessageStatusItem[]): void;
  /** Reports not yet accepted by the backend. */
  readonly pendingReports: number;
  /** Stops the timers and tries once to send what is pending (bounded by `timeoutMs`). */
  stop(): Promise<void>;
}

const MAX_REPORT_ITEMS = 10_000;

/**
 * The relay's side of the control channel towards the backend: periodic
 * registration (control URL and the control token generated at start) and
 * batched reports of queued messages that were delivered late or expired.
 */
export function createBackendLink(options: BackendLinkOptions): BackendLink {
  const { logger, token, relayId } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pool = createConnectionPool({ maxSockets: 2, ca: options.backendCa });
  const maxPending = options.maxPendingReports ?? 50_000;
  const base = new URL(options.backendUrl.endsWith('/') ? options.backendUrl : `${options.backendUrl}/`);
  const registerUrl = new URL('api/v1/internal/relays/register', base);
  const statusUrl = new URL('api/v1/internal/message-status', base);

  let pending: MessageStatusItem[] = [];
  let registerTimer: NodeJS.Timeout | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let registered = false;
  let failedRegistrations = 0;
  let failedFlushes = 0;
  let stopped = false;
  /** Epoch ms before which neither registration nor reports go out: the backend answered 503/429 with `Retry-After`. */
  let notBefore = 0;
  const honour = (out: Awaited<ReturnType<typeof postJson>>) => {
    if (out.kind !== 'response' || (out.status !== 503 && out.status !== 429)) return;
    const waitMs = retryAfterMs(out.retryAfter, Date.now());
    if (waitMs !== undefined && waitMs > 0)
      notBefore = Math.max(notBefore, Date.now() + Math.min(waitMs, DEFAULT_MAX_RETRY_AFTER_MS));
  };
  /** `delayMs`, or longer if the backend asked to wait. */
  const after = (delayMs: number) => Math.max(delayMs, notBefore - Date.now());

  async function register(): Promise<void> {
    const body = RelayRegistration.safeParse(options.registration());
    if (!body.success) {
      logger.error({ issues: body.error.issues }, 'invalid relay registration; not sent');
      return;
    }
    const out = await postJson(registerUrl, body.data, { token, timeoutMs, pool });
    honour(out);
    if (out.kind === 'response' && out.status === 200) {
      if (!registered || failedRegistrations > 0)
        logger.info({ controlUrl: body.data.controlUrl }, 'registered with the backend');
      registered = true;
      failedRegistrations = 0;
      return;
    }
    failedRegistrations += 1;
    // Log the first failure of a streak and then every tenth, not every 30 s for ever.
    if (failedRegistrations === 1 || failedRegistrations % 10 === 0) {
      const reason =
        out.kind === 'response' ? `backend answered ${out.status}: ${out.text.slice(0, 200)}` : out.reason;
      logger.warn({ reason, attempts: failedRegistrations }, 'relay registration failed; retrying');
    }
  }

  function scheduleRegister(delayMs: number): void {
    if (stopped) return;
    registerTimer = setTimeout(() => {
      register()
        .catch((err: unknown) => logger.error({ err }, 'relay registration failed'))
        .finally(() => {
          const interval = options.registerIntervalMs ?? 30_000;
          // Retry sooner while the backend has not taken the latest registration.
          scheduleRegister(failedRegistrations === 0 ? interval : Math.min(2000, interval));
        });
    }, after(delayMs));
    registerTimer.unref();
  }

  async function flush(): Promise<void> {
    while (pending.length > 0) {
      const items = pending.slice(0, MAX_REPORT_ITEMS);
      const body = MessageStatusReport.safeParse({ relayId, items });
      if (!body.success) {
        logger.error({ issues: body.error.issues }, 'invalid message-status report; dropped');
        pending = pending.slice(items.length);
        continue;
      }
      const out = await postJson(statusUrl, body.data, { token, timeoutMs, pool });
      honour(out);
      if (out.kind === 'response' && (out.status === 204 || out.status === 200)) {
        pending = pending.slice(items.length);
        failedFlushes = 0;
        continue;
      }
      const reason = out.kind === 'response' ? `backend answered ${out.status}` : out.reason;
      if (
        out.kind === 'response' &&
        out.status >= 400 &&
        out.status < 500 &&
        out.status !== 408 &&
        out.status !== 429
      ) {
        logger.error({ reason, items: items.length }, 'backend rejected message-status report; dropped');
        pending = pending.slice(items.length);
        continue;
      }
      failedFlushes += 1;
      if (failedFlushes === 1 || failedFlushes % 10 === 0)
        logger.warn({ reason, pending: pending.length }, 'message-status report failed; will retry');
      return;
    }
  }

  function scheduleFlush(): void {
    if (flushTimer || stopped) return;
    const every = options.reportFlushMs ?? 1000;
    // Back off while the backend is away: 1 s, 2 s, 4 s ... up to 30 s.
    const delay = failedFlushes === 0 ? every : Math.min(30_000, every * 2 ** Math.min(failedFlushes, 5));
    flushTimer = setTimeout(() => {
      flushing = flush()
        .catch((err: unknown) => logger.error({ err }, 'message-status report failed'))
        .finally(() => {
          flushTimer = undefined;
          flushing = undefined;
          if (pending.length > 0) scheduleFlush();
        });
    }, after(delay));
    flushTimer.unref();
  }

  return {
    start() {
      scheduleRegister(0);
    },
    report(items) {
      pending.push(...items);
      if (pending.length > maxPending) {
        const dropped = pending.length - maxPending;
        pending = pending.slice(dropped);
        logger.error(
          { dropped },
          'message-status reports overflowed while the backend was away; oldest dropped',
        );
      }
      scheduleFlush();
    },
    get pendingReports() {
      return pending.length;
    },
    async stop() {
      stopped = true;
      clearTimeout(registerTimer);
      clearTimeout(flushTimer);
      if (flushing) await flushing;
      if (pending.length > 0) await flush().catch(() => {});
    },
  };
}
