import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { CloseCode, type PresenceEvent } from '@labmgr/protocol';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { AuthGate } from './agents/auth-gate.js';
import { startHeartbeat } from './agents/heartbeat.js';
import { IngestPacer } from './agents/pacer.js';
import { AgentRegistry } from './agents/registry.js';
import { AgentSession, type SessionContext } from './agents/session.js';
import { createUpgradeHandler } from './agents/upgrade.js';
import { type BackendClient, createBackendClient } from './backend/backend-client.js';
import {
  DEFAULT_ACK_INTERVAL_MS,
  DEFAULT_MEMORY_QUEUE_ITEMS,
  DEFAULT_SPOOL_MAX_BYTES,
  type RelayConfig,
} from './config.js';
import { createRelayControl, type RelayControlOptions } from './control/relay-control.js';
import { AckCoalescer } from './forward/ack-coalescer.js';
import type { BatcherTuning } from './forward/batcher.js';
import { createIngestForwarder } from './forward/ingest-forwarder.js';
import { createPresenceForwarder } from './forward/presence-forwarder.js';
import { createRequestListener } from './http/routes.js';
import { createLogger } from './logger.js';
import { RelayOps } from './ops/relay-ops.js';

/**
 * Frames queued per connected agent before the relay paces agents (with
 * `memoryQueueItems` as the floor): two seconds of every agent's data at the
 * usual rate, enough to ride out a slow batch without pausing anyone.
 */
const QUEUED_PER_AGENT = 2;

/** Knobs beyond {@link RelayConfig}, for tests and benchmarks. */
export interface RelayOptions {
  /** @default pino JSON to stdout */
  logger?: Logger;
  /** @default an HTTP client of `config.backendUrl` */
  backend?: BackendClient;
  /** Deadline for the agent's `hello`. @default 10_000 */
  handshakeTimeoutMs?: number;
  /** WebSocket ping interval; a peer silent for a whole interval is dropped. @default 15_000 */
  heartbeatIntervalMs?: number;
  /** Bound on flushing queued batches at shutdown. @default 5_000 */
  shutdownFlushMs?: number;
  /** Largest accepted agent frame. @default `config.maxFrameBytes`, else 1 MiB */
  maxPayloadBytes?: number;
  /** Process metrics (CPU, memory, event loop) on `/metrics`. @default true */
  defaultMetrics?: boolean;
  ingest?: Partial<BatcherTuning>;
  presence?: Partial<BatcherTuning>;
  /** Control API knobs: queue bounds, registration period, a fixed control token. */
  control?: Pick<RelayControlOptions, 'queue' | 'registerIntervalMs' | 'reportFlushMs' | 'controlToken'>;
}

/** A listening relay. */
export interface RunningRelay {
  /** The port actually bound (useful with `port: 0`). */
  port: number;
  /** The secret the backend must present on `/control/v1/...` (sent in the registration). */
  controlToken: string;
  /** True when serving https and wss (`tlsCert` and `tlsKey` set). */
  tls: boolean;
  /**
   * Forgets the cached credential verdicts of `computerId` (its credential
   * was revoked), so its next connection is checked with the backend again.
   * Returns how many were dropped.
   */
  evictAgentAuth(computerId: string): number;
  /**
   * Graceful stop: refuse new agents, close connected ones with 1001, flush
   * queued batches (bounded by `shutdownFlushMs`). Idempotent.
   */
  close(): Promise<void>;
}

/** Starts the relay; resolves once it listens, rejects if it cannot bind. */
export async function startRelay(config: RelayConfig, options: RelayOptions = {}): Promise<RunningRelay> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // Limits, metrics, readiness and TLS; its sources are read lazily, once everything below exists.
  const ops = new RelayOps(
    config,
    {
      connectedAgents: () => registry.size,
      queuedFrames: () => ingest.size,
      spoolBytes: () => ingest.spoolBytes,
      pacing: () => ({ held: pacer.held, pauses: pacer.pauses }),
      isClosing: () => closing !== undefined,
    },
    {
      log: logger,
      ...(options.defaultMetrics === undefined ? {} : { defaultMetrics: options.defaultMetrics }),
    },
  );
  const backend = ops.instrument(
    options.backend ??
      createBackendClient({
        backendUrl: config.backendUrl,
        token: config.token,
        backendCa: config.backendCa,
      }),
    {
      // Let in on a stored verdict while the backend was away, refused now that it answers.
      onStaleRefused(computerId) {
        let closed = 0;
        for (const session of sessions) {
          if (session.computerId !== computerId) continue;
          session.close(CloseCode.unauthorized, 'credential unknown or revoked');
          closed += 1;
        }
        logger.warn(
          { computerId, closed },
          'credential admitted on a stored verdict is refused by the backend: agent closed',
        );
      },
    },
  );
  const registry = new AgentRegistry<AgentSession>();
  const control = createRelayControl({
    relayId: config.relayId,
    backendUrl: config.backendUrl,
    backendCa: config.backendCa,
    token: config.token,
    controlUrl: config.controlUrl,
    host: config.host,
    tls: ops.tls !== undefined,
    logger,
    sessions: registry,
    // A backend-ordered disconnect (revocation) must re-check the credential on the next connect.
    evictCredential: (computerId) => {
      ops.authCache.evictComputer(computerId);
    },
    // Its credential passed the check, but before its hello it is not in the registry.
    closeUnannounced: (computerId, code, reason) => {
      let closed = 0;
      for (const session of sessions) {
        if (session.computerId !== computerId || !session.awaitingHello) continue;
        session.close(code, reason);
        closed += 1;
      }
      return closed;
    },
    ...options.control,
  });
  const sessions = new Set<AgentSession>();
  let closing: Promise<void> | undefined;
  /** Set during shutdown; called when the last session has closed. */
  let onAllClosed: (() => void) | undefined;

  const spoolMaxBytes = config.spoolMaxBytes ?? DEFAULT_SPOOL_MAX_BYTES;
  const memoryQueueItems = config.memoryQueueItems ?? DEFAULT_MEMORY_QUEUE_ITEMS;
  const spoolDir = spoolMaxBytes > 0 ? config.spoolDir : undefined;
  const acks = new AckCoalescer(
    config.ackIntervalMs ?? DEFAULT_ACK_INTERVAL_MS,
    (computerId, seq) => registry.get(computerId)?.send({ type: 'ack', seq }),
    (err, computerId) => logger.error({ err, computerId }, 'could not pass an ack to its agent'),
  );
  // Throws (start fails) when the spool folder cannot be created or read.
  const ingest = createIngestForwarder({
    backend,
    relayId: config.relayId,
    logger,
    tuning: options.ingest,
    // Grows with the agents held, so a relay of 10,000 is not paced as tightly as one of 100.
    memoryItems: () =>
      Math.max(options.ingest?.maxQueued ?? memoryQueueItems, QUEUED_PER_AGENT * registry.size),
    ...(spoolDir ? { spool: { dir: spoolDir, maxBytes: spoolMaxBytes } } : {}),
    onSettled: () => pacer.maybeResume(),
    deliverAck: (computerId, seq) => acks.add(computerId, seq),
    deadLetterFile: config.deadLetterFile,
    onDeadLettered: (count) => ops.metrics.deadLettered(count),
    onQuarantined: (reason, count) => ops.metrics.spoolQuarantined(reason, count),
    sideFileMaxBytes: config.sideFileMaxBytes,
    onSideFileRotated: (name) => ops.metrics.sideFileRotated(name),
    // The agents re-send what is unacked, the samples hidden by the damage included.
    onSpoolDamage: () => {
      for (const session of sessions) session.close(CloseCode.tryAgainLater, 'relay spool damaged; re-send');
    },
  });
  const pacer = new IngestPacer(ingest);
  const presence = createPresenceForwarder({
    backend,
    relayId: config.relayId,
    logger,
    tuning: options.presence,
  });

  const context: SessionContext = {
    relayId: config.relayId,
    logger,
    registry,
    forward: (item, size) => ingest.enqueue(item, size),
    recordPresence(event: PresenceEvent) {
      control.onPresence(event);
      if (!presence.enqueue(event)) logger.error({ event }, 'presence queue full: dropping presence event');
    },
    onClosed(session) {
      sessions.delete(session);
      if (sessions.size === 0) onAllClosed?.();
    },
    isClosing: () => closing !== undefined,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    limits: ops.sessionLimits,
    metrics: ops.metrics,
    pacer,
  };

  // clientTracking off: `sessions` is the one list of connections.
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: options.maxPayloadBytes ?? ops.maxFrameBytes,
  });
  wss.on('error', (err) => logger.error({ err }, 'WebSocket server error'));

  const server = ops.createServer(
    createRequestListener(
      {
        health: () => ({
          status: 'ok',
          relayId: config.relayId,
          agents: registry.size,
          pendingFrames: ingest.size,
          pacedAgents: pacer.held,
          ...(spoolDir ? { spoolBytes: ingest.spoolBytes, spooledFrames: ingest.spooledItems } : {}),
        }),
        control: control.routes,
        readiness: () => ops.readiness.check(),
        metrics: ops.metrics,
        metricsToken: ops.metricsToken,
      },
      logger,
    ),
  );
  server.on(
    'upgrade',
    createUpgradeHandler({
      authenticate: (credential) => ops.authCache.authenticate(credential),
      isClosing: context.isClosing,
      logger,
      gate: new AuthGate(),
      ipWindow: ops.ipWindow,
      slots: ops.slots,
      onReject: (reason) => ops.metrics.rejected(reason),
      accept(req, socket, head, agent, release) {
        // Also frees the slot if `ws` aborts the handshake (and so never calls back).
        socket.once('close', release);
        wss.handleUpgrade(req, socket, head, (ws) => {
          const session = new AgentSession(ws, agent, req.socket.remoteAddress, context, release);
          sessions.add(session);
          if (closing) session.close(CloseCode.goingAway, 'relay shutting down');
        });
      },
    }),
  );

  server.listen(config.port, config.host);
  try {
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([err]) => Promise.reject(err)),
    ]);
  } catch (err) {
    wss.close();
    // Stops a replay of an earlier spool that may already have begun.
    ingest.stop();
    acks.stop();
    throw err;
  }
  const stopHeartbeat = startHeartbeat(() => sessions, options.heartbeatIntervalMs ?? 15_000);
  // After a successful listen, later server errors (e.g. EMFILE on accept) are logged, not fatal.
  server.on('error', (err) => logger.error({ err }, 'HTTP server error'));
  const port = (server.address() as AddressInfo).port;
  control.start(port);
  logger.info(
    { port, host: config.host, relayId: config.relayId, backendUrl: config.backendUrl, tls: !!ops.tls },
    'relay listening',
  );

  async function shutdown(): Promise<void> {
    const flushMs = options.shutdownFlushMs ?? 5000;
    stopHeartbeat();
    // Stop listening; the callback waits for every socket, upgraded ones included.
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    logger.info({ agents: sessions.size }, 'relay shutting down');
    // What is stored by now is acked before the agents go (the rest they re-send to the next relay).
    acks.flush();
    const allClosed = new Promise<void>((resolve) => {
      onAllClosed = resolve;
      if (sessions.size === 0) resolve();
    });
    for (const session of sessions) session.close(CloseCode.goingAway, 'relay shutting down');
    // Agents usually answer the close at once; give stragglers a moment, then cut them off.
    await withTimeout(allClosed, Math.min(1000, flushMs));
    for (const session of sessions) session.terminate(CloseCode.goingAway, 'relay shutting down');
    const [ingestLeft, presenceLeft] = await Promise.all([ingest.drain(flushMs), presence.drain(flushMs)]);
    ingest.stop();
    presence.stop();
    acks.stop();
    pacer.stop();
    await control.stop();
    await ops.authCache.close();
    if (ingestLeft > 0 || presenceLeft > 0) {
      logger.error(
        { ingestLeft, presenceLeft },
        'shutdown: the backend did not take everything in time; agents re-send what was not acked',
      );
    }
    server.closeAllConnections();
    wss.close();
    // Upgrades still waiting for the backend hold their sockets until their auth call times out.
    await withTimeout(serverClosed, 1000);
    logger.info('relay stopped');
  }

  return {
    port,
    controlToken: control.controlToken,
    tls: ops.tls !== undefined,
    evictAgentAuth: (computerId) => ops.authCache.evictComputer(computerId),
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

/** Resolves when `promise` settles or after `timeoutMs`, whichever comes first. */
async function withTimeout(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([promise, timeout]);
  clearTimeout(timer);
}
