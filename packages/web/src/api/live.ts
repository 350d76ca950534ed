import { LiveCloseCode, LiveEvent, PROTOCOL_VERSION } from '@labmgr/protocol';
import { type BackoffOptions, backoffDelay } from './backoff.js';
import { API_BASE } from './client.js';

/** Where the live connection stands; drives the header indicator. */
export type LiveState =
  /** Opening a socket; `attempt` counts consecutive failures before this one. */
  | { kind: 'connecting'; attempt: number }
  /** Connected: events are flowing. */
  | { kind: 'open'; since: number }
  /** Lost or refused; the next attempt starts at `retryAt` (epoch ms). */
  | { kind: 'waiting'; attempt: number; retryAt: number }
  /** Stopped (sign-out, unmount). */
  | { kind: 'stopped' };

export interface LiveConnectionOptions {
  /** WebSocket URL. @default same origin, `/api/v1/live` (ws: or wss: to match the page) */
  url?: string;
  /** Reconnect delays. @default { baseMs: 500, maxMs: 30000, factor: 2 } */
  backoff?: BackoffOptions;
  /**
   * Events are handed over in batches at most this often, so 1,000 computers
   * reporting each second cost a few renders per second, not a thousand.
   * @default 250
   */
  flushIntervalMs?: number;
  /** Receives validated events, in arrival order. */
  onEvents: (events: LiveEvent[]) => void;
  /**
   * Called each time the socket opens (first connect and every reconnect) to
   * reload the full state. Events that arrive meanwhile are held and handed
   * over only once the promise settles, so they land on top of the fresh data.
   */
  onOpen?: () => Promise<unknown>;
  /**
   * Called when the server refused the socket or closed it for a policy
   * reason: the session may have ended, so the app re-checks who is signed in.
   */
  onRefused?: () => void;
  /** A socket not open after this long is given up and retried. @default 8000 */
  connectTimeoutMs?: number;
  /** @default (url) => new WebSocket(url) */
  createSocket?: (url: string) => WebSocket;
}

/** Close codes after which the session is worth re-checking. */
const POLICY_CLOSE_CODES = new Set<number>([
  1008,
  LiveCloseCode.credentialsEnded,
  LiveCloseCode.accessChanged,
]);
/** Invalid events are ignored; only the first few are logged, to keep the console usable. */
const MAX_WARNINGS = 5;

/** The same-origin live endpoint, `ws:` or `wss:` to match the page. */
export function defaultLiveUrl(loc: Location = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}${API_BASE}/live`;
}

/**
 * The browser's live-update socket as a small state machine:
 * connecting → open → (lost) waiting → connecting …, with capped, jittered
 * backoff between attempts. Reconnects at once when the network comes back
 * or the tab becomes visible again. Exposes its state for
 * `useSyncExternalStore` via {@link subscribe} and {@link getState}.
 */
export class LiveConnection {
  readonly #options: LiveConnectionOptions;
  /** Starts as "connecting": a connection is created to be started right away. */
  #state: LiveState = { kind: 'connecting', attempt: 0 };
  #running = false;
  readonly #listeners = new Set<() => void>();
  #socket: WebSocket | null = null;
  #failures = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #pending: LiveEvent[] = [];
  /** Bumped by every resync and by stop(), so only the latest resync releases held events. */
  #resyncGeneration = 0;
  /** True while a resync is in flight: events are held, not flushed. */
  #holding = false;
  #warnings = 0;

  constructor(options: LiveConnectionOptions) {
    this.#options = options;
  }

  /** Opens the connection; calling it again while running does nothing. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#failures = 0;
    window.addEventListener('online', this.#wake);
    document.addEventListener('visibilitychange', this.#wake);
    this.#connect();
  }

  /** Closes the connection for good (sign-out, unmount) and drops undelivered events. */
  stop(): void {
    this.#running = false;
    window.removeEventListener('online', this.#wake);
    document.removeEventListener('visibilitychange', this.#wake);
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#pending = [];
    this.#holding = false;
    this.#resyncGeneration++;
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, 'client stopped');
    this.#setState({ kind: 'stopped' });
  }

  readonly getState = (): LiveState => this.#state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #setState(state: LiveState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }

  #connect(): void {
    clearTimeout(this.#retryTimer);
    this.#setState({ kind: 'connecting', attempt: this.#failures });
    const url = this.#options.url ?? defaultLiveUrl();
    let socket: WebSocket;
    try {
      socket = this.#options.createSocket?.(url) ?? new WebSocket(url);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.#socket = socket;
    let opened = false;
    const deadline = setTimeout(() => {
      if (this.#socket === socket && !opened) socket.close();
    }, this.#options.connectTimeoutMs ?? 8_000);

    socket.onopen = () => {
      clearTimeout(deadline);
      if (this.#socket !== socket) return;
      opened = true;
      this.#failures = 0;
      this.#setState({ kind: 'open', since: Date.now() });
      void this.#resync();
    };
    socket.onmessage = (message: MessageEvent) => {
      if (this.#socket !== socket) return;
      this.#receive(message.data);
    };
    socket.onclose = (event: CloseEvent) => {
      clearTimeout(deadline);
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (!opened || POLICY_CLOSE_CODES.has(event.code)) this.#options.onRefused?.();
      this.#scheduleRetry();
    };
    // An error is always followed by close, which does the work.
    socket.onerror = () => {};
  }

  #scheduleRetry(): void {
    const delay = backoffDelay(this.#failures, this.#options.backoff);
    this.#failures++;
    this.#setState({ kind: 'waiting', attempt: this.#failures, retryAt: Date.now() + delay });
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  /** Network back or tab shown again: skip the rest of the backoff. */
  readonly #wake = (): void => {
    if (this.#state.kind !== 'waiting') return;
    if (document.visibilityState !== 'visible' || navigator.onLine === false) return;
    this.#connect();
  };

  async #resync(): Promise<void> {
    const onOpen = this.#options.onOpen;
    if (!onOpen) return;
    const generation = ++this.#resyncGeneration;
    this.#holding = true;
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    try {
      await onOpen();
    } catch {
      // The caller reports its own failures; held events are still worth applying.
    } finally {
      if (generation === this.#resyncGeneration) {
        this.#holding = false;
        this.#flush();
      }
    }
  }

  #receive(data: unknown): void {
    if (typeof data !== 'string') return;
    // One event, or an array of the events the server gathered in the same ~100 ms.
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      if (this.#warnings++ < MAX_WARNINGS) console.warn('live: ignored a frame that is not JSON');
      return;
    }
    for (const item of Array.isArray(json) ? json : [json]) {
      const parsed = LiveEvent.safeParse(item);
      if (!parsed.success) {
        if (this.#warnings++ < MAX_WARNINGS) {
          console.warn(
            `live: ignored an event (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'})`,
          );
        }
        continue;
      }
      const event = parsed.data;
      if (event.type === 'hello' && event.protocolVersion !== PROTOCOL_VERSION) {
        console.warn(
          `live: server speaks protocol ${event.protocolVersion}, this page ${PROTOCOL_VERSION}; reload to update`,
        );
      }
      this.#pending.push(event);
    }
    if (this.#pending.length === 0 || this.#holding || this.#flushTimer !== undefined) return;
    this.#flushTimer = setTimeout(() => this.#flush(), this.#options.flushIntervalMs ?? 250);
  }

  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#options.onEvents(batch);
  }
}
