import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  handshakeServerOptions,
  limitPendingConnections,
  type PendingConnections,
} from '@labmgr/service-kit';
import { AgentAuthCache } from '../agents/auth-cache.js';
import { AuthVerdictStore, removeVerdictStore, type StoreLog } from '../agents/auth-store.js';
import type { SessionLimits } from '../agents/session.js';
import type { BackendClient } from '../backend/backend-client.js';
import type { RelayConfig } from '../config.js';
import { ReadinessTracker } from '../http/readiness.js';
import { ConnectionSlots } from '../limits/connection-slots.js';
import { LIMIT_DEFAULTS } from '../limits/defaults.js';
import { IpAttemptWindow } from '../limits/ip-window.js';
import { instrumentBackend } from '../metrics/instrumented-backend.js';
import { RelayMetrics } from '../metrics/relay-metrics.js';

/** Live values the operations side reads from the rest of the relay (lazily: at scrape time). */
export interface RelayOpsSources {
  connectedAgents(): number;
  queuedFrames(): number;
  /** Bytes in the disk spool; 0 without one. */
  spoolBytes(): number;
  /** See `MetricsSources.pacing`. */
  pacing?(): { held: number; pauses: number };
  isClosing(): boolean;
}

export interface RelayOpsOptions {
  /** Process metrics on `/metrics`. @default true */
  defaultMetrics?: boolean;
  /** @default Date.now (the per-IP window's clock) */
  now?: () => number;
  /** Where the stored agent verdicts report a file they cannot read or write. */
  log?: StoreLog;
}

/** Hooks of the credential checks into the rest of the relay. */
export interface AuthHooks {
  /** The backend refused a credential let in on a stored verdict: close that computer's connections. */
  onStaleRefused?: (computerId: string) => void;
}

/**
 * The relay's limits, metrics, readiness and TLS server in one place, built
 * from the configuration (unset fields take {@link LIMIT_DEFAULTS}), so that
 * `startRelay` only wires them in.
 */
export class RelayOps {
  readonly metrics: RelayMetrics;
  readonly readiness: ReadinessTracker;
  readonly slots: ConnectionSlots;
  readonly ipWindow: IpAttemptWindow;
  readonly sessionLimits: SessionLimits;
  readonly maxFrameBytes: number;
  readonly metricsToken: string | undefined;
  readonly tls: { cert: string; key: string } | undefined;
  #authCache: AgentAuthCache | undefined;
  readonly #authCacheMs: number;
  readonly #authStore: AuthVerdictStore | undefined;
  readonly #headersTimeoutMs: number;
  readonly #maxPendingConnections: number;
  readonly #maxPendingPerAddress: number;
  #pending: PendingConnections | undefined;

  constructor(config: RelayConfig, sources: RelayOpsSources, options: RelayOpsOptions = {}) {
    const d = LIMIT_DEFAULTS;
    this.maxFrameBytes = config.maxFrameBytes ?? d.maxFrameBytes;
    this.sessionLimits = {
      ratePerSec: config.rateLimit ?? d.rateLimit,
      burst: config.rateBurst ?? d.rateBurst,
      maxSendBufferBytes: config.maxSendBufferBytes ?? d.maxSendBufferBytes,
    };
    this.slots = new ConnectionSlots(config.maxUnauthenticated ?? d.maxUnauthenticated);
    const now = options.now ?? Date.now;
    this.ipWindow = new IpAttemptWindow(
      config.ipConnectLimit ?? d.ipConnectLimit,
      (config.ipConnectWindowSec ?? d.ipConnectWindowSec) * 1000,
      now(),
    );
    this.#authCacheMs = (config.authCacheSec ?? d.authCacheSec) * 1000;
    this.#authStore = openAuthStore(config, options.log);
    this.#headersTimeoutMs = (config.headersTimeoutSec ?? d.headersTimeoutSec) * 1000;
    this.#maxPendingConnections = config.maxPendingConnections ?? d.maxPendingConnections;
    this.#maxPendingPerAddress = config.maxPendingPerAddress ?? d.maxPendingPerAddress;
    this.metricsToken = config.metricsToken;
    this.tls = readTls(config);
    this.readiness = new ReadinessTracker({ backendUrl: config.backendUrl, isClosing: sources.isClosing });
    this.metrics = new RelayMetrics(
      {
        connectedAgents: sources.connectedAgents,
        unauthenticated: () => this.slots.taken,
        pendingConnections: () => this.#pending?.count ?? 0,
        queuedFrames: sources.queuedFrames,
        spoolBytes: sources.spoolBytes,
        ...(sources.pacing ? { pacing: sources.pacing } : {}),
        authCache: () => {
          const cache = this.#authCache;
          if (!cache) return { hits: 0, misses: 0 };
          return { ...cache.stats, fallbacks: cache.fallbacks, unconfirmed: cache.staleAdmissions };
        },
      },
      options.defaultMetrics === undefined ? {} : { defaultMetrics: options.defaultMetrics },
    );
  }

  /**
   * The backend client the relay should use: every call feeds the metrics
   * (batch sizes, forward latency) and readiness. Also sets up the credential
   * verdict cache in front of its `authenticateAgent`.
   */
  instrument(backend: BackendClient, hooks: AuthHooks = {}): BackendClient {
    const observed = instrumentBackend(backend, {
      observeBatch: (items) => this.metrics.observeBatch(items),
      observeForwardLatency: (seconds) => this.metrics.observeForwardLatency(seconds),
      reachable: (ok, reason) => {
        this.readiness.observe(ok, reason);
        // The backend answers again: check the agents let in on stored verdicts.
        if (ok) void this.#authCache?.recheck();
      },
    });
    this.#authCache = new AgentAuthCache((credential) => observed.authenticateAgent(credential), {
      acceptedTtlMs: this.#authCacheMs,
      store: this.#authStore,
      ...(hooks.onStaleRefused ? { onStaleRefused: hooks.onStaleRefused } : {}),
    });
    return observed;
  }

  /** Checks a credential through the verdict cache (after {@link instrument}). */
  get authCache(): AgentAuthCache {
    if (!this.#authCache) throw new Error('RelayOps.instrument() must be called first');
    return this.#authCache;
  }

  /**
   * An https server when TLS is configured, else plain http; either closes a
   * connection whose request headers (TLS handshake included) take longer
   * than `headersTimeoutSec`, and caps those still waiting for their first
   * request at `maxPendingConnections` (refusals are counted in the metrics).
   */
  createServer(listener: RequestListener): Server {
    const { handshakeTimeout, ...httpOptions } = handshakeServerOptions(this.#headersTimeoutMs);
    const server = this.tls
      ? // node:https's Server has the same request/upgrade API as node:http's.
        (createHttpsServer(
          { cert: this.tls.cert, key: this.tls.key, handshakeTimeout, ...httpOptions },
          listener,
        ) as unknown as Server)
      : createHttpServer(httpOptions, listener);
    const limits = { max: this.#maxPendingConnections, perAddress: this.#maxPendingPerAddress };
    this.#pending = limitPendingConnections(server, limits, (why) => this.metrics.rejected(why));
    return server;
  }
}

/**
 * The stored agent verdicts, when the configuration names a file and a
 * maximum age above 0. With the fallback off, a file left by an earlier run is
 * deleted: revocations made meanwhile never reached it.
 */
function openAuthStore(config: RelayConfig, log: StoreLog | undefined): AuthVerdictStore | undefined {
  const file = config.authStoreFile;
  if (file === undefined) return undefined;
  const maxAgeSec = config.authFallbackSec ?? LIMIT_DEFAULTS.authFallbackSec;
  if (maxAgeSec <= 0) {
    try {
      removeVerdictStore(file);
    } catch (err) {
      log?.error({ err, file }, 'cannot delete the stored agent verdicts (the fallback is off)');
    }
    return undefined;
  }
  return new AuthVerdictStore({ file, maxAgeMs: maxAgeSec * 1000, ...(log ? { log } : {}) });
}

/** Reads the PEM files; throws with the setting named when one is missing or unreadable. */
function readTls(config: RelayConfig): { cert: string; key: string } | undefined {
  if (config.tlsCert === undefined && config.tlsKey === undefined) return undefined;
  if (config.tlsCert === undefined || config.tlsKey === undefined) {
    throw new Error('TLS needs both tlsCert and tlsKey');
  }
  const read = (what: string, path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(
        `cannot read the TLS ${what} ${path}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
  return { cert: read('certificate', config.tlsCert), key: read('key', config.tlsKey) };
}
