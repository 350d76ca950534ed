import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import type { PresenceEvent } from '@labmgr/protocol';
import type { Logger } from 'pino';
import { type BackendLink, createBackendLink } from './backend-link.js';
import { createControlRoutes } from './control-routes.js';
import { ControlService, type ControlServiceDeps } from './control-service.js';
import type { MessageQueueOptions } from './message-queue.js';

const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
/** This relay's package version, sent in its registration. */
export const RELAY_VERSION: string =
  typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string'
    ? pkg.version
    : '0.0.0';

export interface RelayControlOptions {
  relayId: string;
  backendUrl: string;
  /** The relay's service token (relay -> backend). */
  token: string;
  /** PEM certificate trusted for an https backend besides the system CAs. */
  backendCa?: string | undefined;
  /** Where the backend reaches this relay; undefined derives it from the bound address. */
  controlUrl: string | undefined;
  host: string;
  /** Use `https` in the derived control URL. */
  tls?: boolean;
  logger: Logger;
  sessions: ControlServiceDeps['sessions'];
  evictCredential?: ControlServiceDeps['evictCredential'];
  closeUnannounced?: ControlServiceDeps['closeUnannounced'];
  queue?: MessageQueueOptions;
  /** @default 30_000 */
  registerIntervalMs?: number;
  /** @default 1000 */
  reportFlushMs?: number;
  /** Fixed control token (tests); @default 32 random bytes, new at each start */
  controlToken?: string;
}

export interface RelayControl {
  readonly service: ControlService;
  readonly controlToken: string;
  /** Handles `/control/...` requests. */
  readonly routes: RequestListener;
  onPresence(event: PresenceEvent): void;
  /** Starts registration and the expiry sweep, once the port is known. */
  start(port: number): void;
  stop(): Promise<void>;
}

/** Wires the control API, the per-agent queue and the backend link of one relay. */
export function createRelayControl(options: RelayControlOptions): RelayControl {
  const { logger } = options;
  const controlToken = options.controlToken ?? randomBytes(32).toString('base64url');
  let link: BackendLink | undefined;
  const pendingReports: Parameters<BackendLink['report']>[0] = [];
  const service = new ControlService({
    logger,
    sessions: options.sessions,
    report(items) {
      if (link) link.report(items);
      else pendingReports.push(...items);
    },
    ...(options.evictCredential ? { evictCredential: options.evictCredential } : {}),
    ...(options.closeUnannounced ? { closeUnannounced: options.closeUnannounced } : {}),
    ...(options.queue ? { queue: options.queue } : {}),
  });
  const routes = createControlRoutes({
    relayId: options.relayId,
    token: controlToken,
    control: service,
    logger,
  });
  let sweepTimer: NodeJS.Timeout | undefined;

  return {
    service,
    controlToken,
    routes,
    onPresence(event) {
      try {
        service.onPresence(event);
      } catch (err) {
        logger.error({ err, computerId: event.computerId }, 'control: presence handling failed');
      }
    },
    start(port) {
      const controlUrl = options.controlUrl ?? defaultControlUrl(options.host, port, options.tls === true);
      link = createBackendLink({
        backendUrl: options.backendUrl,
        token: options.token,
        relayId: options.relayId,
        backendCa: options.backendCa,
        logger,
        registerIntervalMs: options.registerIntervalMs,
        reportFlushMs: options.reportFlushMs,
        registration: () => ({
          relayId: options.relayId,
          controlUrl,
          controlToken,
          version: RELAY_VERSION,
          connectedAgents: [...options.sessions.values()].length,
        }),
      });
      if (pendingReports.length > 0) link.report(pendingReports.splice(0));
      link.start();
      sweepTimer = setInterval(() => {
        try {
          service.sweep();
        } catch (err) {
          logger.error({ err }, 'control: queue sweep failed');
        }
      }, 1000);
      sweepTimer.unref();
      logger.info({ controlUrl }, 'control API ready');
    },
    async stop() {
      clearInterval(sweepTimer);
      await link?.stop();
    },
  };
}

/** `http://<host>:<port>` of the bound socket; a wildcard host becomes loopback. */
export function defaultControlUrl(host: string, port: number, tls: boolean): string {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const name = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `${tls ? 'https' : 'http'}://${name}:${port}`;
}
