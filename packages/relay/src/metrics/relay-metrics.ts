import { CloseCode } from '@labmgr/protocol';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { SIDE_FILES, type SideFileName } from '../forward/side-file.js';
import { DAMAGE_REASONS, type DamageReason } from '../forward/spool/spool-record.js';

/**
 * Why a connection was refused before a WebSocket existed (label of
 * `labmgr_relay_rejected_connections_total`): at the TCP accept
 * (`too_many_pending`) or at the HTTP upgrade (the rest).
 */
export const REJECT_REASONS = [
  'too_many_pending',
  'too_many_pending_from_address',
  'ip_rate_limited',
  'too_many_unauthenticated',
  'auth_busy',
  'unauthorized',
  'backend_unavailable',
  'shutting_down',
  'not_found',
  'internal',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Live values read when Prometheus scrapes. */
export interface MetricsSources {
  connectedAgents(): number;
  /** Connections awaiting the backend's verdict or their `hello`. */
  unauthenticated(): number;
  /** TCP connections whose first request or upgrade request has not arrived yet. @default 0 */
  pendingConnections?(): number;
  /** Agent frames queued for the backend in memory (the batch in flight included). */
  queuedFrames(): number;
  /** Bytes in the on-disk spool (0 while the relay has none). */
  spoolBytes(): number;
  /** Agents not being read until the ingest queue has room, and how often one was paused. @default none */
  pacing?(): { held: number; pauses: number };
  /**
   * Credential verdict cache: lookups answered from it and by the backend;
   * connections let in on a stored verdict while the backend could not be
   * asked, and those still awaiting its answer.
   */
  authCache(): { hits: number; misses: number; fallbacks?: number; unconfirmed?: number };
}

export interface RelayMetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC). @default true */
  defaultMetrics?: boolean;
}

/** Close codes that get their own label value; anything else a peer chooses is `other`. */
const KNOWN_CLOSE_CODES = new Set<number>([
  ...Object.values(CloseCode),
  1000, // normal
  1002, // protocol error
  1005, // no status
  1006, // abnormal (no close frame)
  1007, // invalid UTF-8
]);

/**
 * The relay's Prometheus metrics, on a registry of its own (not prom-client's
 * global one) so several relays can run in one process. The hot path only
 * bumps plain counters in maps; prom-client objects are brought up to date
 * when `/metrics` is scraped.
 */
export class RelayMetrics {
  readonly registry = new Registry();
  readonly #received = new Map<string, number>();
  readonly #sent = new Map<string, number>();
  readonly #rejected = new Map<string, number>(REJECT_REASONS.map((r) => [r, 0]));
  readonly #closed = new Map<string, number>();
  #throttled = 0;
  readonly #quarantined = new Map<string, number>(DAMAGE_REASONS.map((r) => [r, 0]));
  #deadLettered = 0;
  readonly #sideFileRotations = new Map<string, number>(SIDE_FILES.map((f) => [f, 0]));
  readonly #batchSize: Histogram;
  readonly #forwardLatency: Histogram;

  constructor(sources: MetricsSources, options: RelayMetricsOptions = {}) {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    const countersFrom = (name: string, help: string, label: string, counts: Map<string, number>) =>
      new Counter({
        name,
        help,
        labelNames: [label],
        registers,
        collect() {
          this.reset();
          for (const [value, count] of counts) this.inc({ [label]: value }, count);
        },
      });

    gauge('labmgr_relay_connected_agents', 'Agents past the handshake.', sources.connectedAgents);
    gauge(
      'labmgr_relay_unauthenticated_connections',
      'Connections awaiting the credential check or their hello.',
      sources.unauthenticated,
    );
    gauge(
      'labmgr_relay_pending_connections',
      'TCP connections whose first HTTP request or upgrade request has not arrived yet.',
      () => sources.pendingConnections?.() ?? 0,
    );
    gauge(
      'labmgr_relay_queued_frames',
      'Agent frames queued in memory for the backend.',
      sources.queuedFrames,
    );
    gauge(
      'labmgr_relay_spool_bytes',
      'Bytes of agent data spooled to disk for the backend.',
      sources.spoolBytes,
    );
    gauge(
      'labmgr_relay_paced_agents',
      'Agents the relay is not reading from until its ingest queue has room (back-pressure).',
      () => sources.pacing?.().held ?? 0,
    );
    new Counter({
      name: 'labmgr_relay_ingest_pauses_total',
      help: 'Times the relay stopped reading from an agent because its ingest queue was past its high-water mark.',
      registers,
      collect() {
        this.reset();
        this.inc(sources.pacing?.().pauses ?? 0);
      },
    });
    countersFrom(
      'labmgr_relay_frames_received_total',
      'Frames received from agents, by frame type (invalid: not JSON or not a protocol frame).',
      'type',
      this.#received,
    );
    countersFrom(
      'labmgr_relay_frames_sent_total',
      'Frames sent to agents, by frame type.',
      'type',
      this.#sent,
    );
    countersFrom(
      'labmgr_relay_rejected_connections_total',
      'Connections refused before a WebSocket existed, by reason: at the TCP accept (too_many_pending, too_many_pending_from_address) or at the HTTP upgrade.',
      'reason',
      this.#rejected,
    );
    countersFrom(
      'labmgr_relay_closed_connections_total',
      'Agent WebSocket connections ended, by close code (1006: dropped without a close frame).',
      'code',
      this.#closed,
    );
    countersFrom(
      'labmgr_relay_spool_quarantined_records_total',
      'Spooled records found damaged when read back (checksum: bytes changed on disk; torn: a write cut short; invalid: not an item), kept in the quarantine file of the spool folder and never sent.',
      'reason',
      this.#quarantined,
    );
    const self = this;
    new Counter({
      name: 'labmgr_relay_dead_letter_frames_total',
      help: 'Agent frames the backend refused (4xx) on their own, kept in the dead-letter file instead of being stored.',
      registers,
      collect() {
        this.reset();
        this.inc(self.#deadLettered);
      },
    });
    countersFrom(
      'labmgr_relay_side_file_rotations_total',
      'Times the dead-letter file or the spool quarantine file reached its size limit and was renamed to <name>.1, discarding the older generation there.',
      'file',
      this.#sideFileRotations,
    );
    new Counter({
      name: 'labmgr_relay_rate_limit_pauses_total',
      help: 'Times the relay stopped reading from an agent that was over its frame rate.',
      registers,
      collect() {
        this.reset();
        this.inc(self.#throttled);
      },
    });
    new Counter({
      name: 'labmgr_relay_auth_cache_lookups_total',
      help: 'Credential checks answered from the verdict cache (hit) or by the backend (miss).',
      labelNames: ['result'],
      registers,
      collect() {
        const { hits, misses } = sources.authCache();
        this.reset();
        this.inc({ result: 'hit' }, hits);
        this.inc({ result: 'miss' }, misses);
      },
    });
    new Counter({
      name: 'labmgr_relay_auth_fallback_admissions_total',
      help: 'Agent connections let in on a stored verdict because the backend could not be asked (outage, Retry-After).',
      registers,
      collect() {
        this.reset();
        this.inc(sources.authCache().fallbacks ?? 0);
      },
    });
    gauge(
      'labmgr_relay_auth_unconfirmed_agents',
      'Credentials let in on a stored verdict that the backend has not answered for yet.',
      () => sources.authCache().unconfirmed ?? 0,
    );
    this.#batchSize = new Histogram({
      name: 'labmgr_relay_ingest_batch_size',
      help: 'Items per ingest batch posted to the backend.',
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000],
      registers,
    });
    this.#forwardLatency = new Histogram({
      name: 'labmgr_relay_forward_latency_seconds',
      help: 'Time from receiving an agent frame to the backend storing it.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** `Content-Type` of {@link render}'s output. */
  get contentType(): string {
    return this.registry.contentType;
  }

  frameReceived(type: string): void {
    this.#received.set(type, (this.#received.get(type) ?? 0) + 1);
  }

  frameSent(type: string): void {
    this.#sent.set(type, (this.#sent.get(type) ?? 0) + 1);
  }

  rejected(reason: RejectReason): void {
    this.#rejected.set(reason, (this.#rejected.get(reason) ?? 0) + 1);
  }

  closed(code: number): void {
    const label = KNOWN_CLOSE_CODES.has(code) ? String(code) : 'other';
    this.#closed.set(label, (this.#closed.get(label) ?? 0) + 1);
  }

  throttled(): void {
    this.#throttled += 1;
  }

  spoolQuarantined(reason: DamageReason, count = 1): void {
    this.#quarantined.set(reason, (this.#quarantined.get(reason) ?? 0) + count);
  }

  deadLettered(count = 1): void {
    this.#deadLettered += count;
  }

  sideFileRotated(file: SideFileName): void {
    this.#sideFileRotations.set(file, (this.#sideFileRotations.get(file) ?? 0) + 1);
  }

  observeBatch(items: number): void {
    this.#batchSize.observe(items);
  }

  observeForwardLatency(seconds: number): void {
    this.#forwardLatency.observe(Math.max(0, seconds));
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
