import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AgentAuthResponse } from '@labmgr/protocol';
import type { Logger } from 'pino';
import type { AgentAuthOutcome } from '../backend/backend-client.js';
import type { ConnectionSlots, SlotRelease } from '../limits/connection-slots.js';
import type { IpAttemptWindow } from '../limits/ip-window.js';
import type { RejectReason } from '../metrics/relay-metrics.js';
import { AuthGate } from './auth-gate.js';
import { rejectUpgrade } from './http-reply.js';

export interface UpgradeOptions {
  /** The one path that accepts WebSocket upgrades. @default '/agent' */
  path?: string;
  /** Asks the backend whether a credential may connect. Must resolve, never reject. */
  authenticate: (credential: string) => Promise<AgentAuthOutcome>;
  /**
   * Completes the WebSocket handshake of an authenticated agent. `release`
   * gives back its unauthenticated-connection slot: call it once the agent's
   * `hello` arrived or the socket closed.
   */
  accept: (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    agent: AgentAuthResponse,
    release: SlotRelease,
  ) => void;
  /** True once the relay is shutting down: refuse with 503 instead. */
  isClosing: () => boolean;
  logger: Logger;
  /** @default new AuthGate() */
  gate?: AuthGate;
  /** Seconds sent in `Retry-After` when the relay cannot check credentials now. @default 5 */
  retryAfterSec?: number;
  /** Connection attempts per client address; over the limit: 429 with `Retry-After`. @default no limit */
  ipWindow?: IpAttemptWindow;
  /** Cap on connections not yet authenticated; over it: 503. @default no cap */
  slots?: ConnectionSlots;
  /** Called once per refused upgrade, with the reason (for metrics). */
  onReject?: (reason: RejectReason) => void;
}

/**
 * The HTTP server's `upgrade` listener: authenticates the agent before the
 * WebSocket exists (ws README, "Client authentication") and refuses with a
 * plain HTTP response otherwise: 401 for a bad credential, 503 with
 * `Retry-After` when the backend cannot answer, 404 for another path.
 */
export function createUpgradeHandler(
  options: UpgradeOptions,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { authenticate, accept, isClosing, logger } = options;
  const path = options.path ?? '/agent';
  const gate = options.gate ?? new AuthGate();
  const retryAfter = { 'Retry-After': String(options.retryAfterSec ?? 5) };
  const noSlot: SlotRelease = () => {};

  const refuse = (
    socket: Duplex,
    remoteAddress: string | undefined,
    why: RejectReason,
    reason: string,
    retryAfterSec?: number,
  ) => {
    options.onReject?.(why);
    const status =
      why === 'unauthorized' ? 401 : why === 'not_found' ? 404 : why === 'ip_rate_limited' ? 429 : 503;
    // Floods are refused by the thousand: keep them out of the info log.
    const level = why === 'ip_rate_limited' || why === 'too_many_unauthenticated' ? 'debug' : 'info';
    logger[level]({ remoteAddress, status, why, reason }, 'agent refused');
    if (status === 401) rejectUpgrade(socket, 401, 'unauthorized', reason);
    else if (status === 404) rejectUpgrade(socket, 404, 'not_found', reason);
    else if (status === 429)
      rejectUpgrade(socket, 429, 'rate_limited', reason, { 'Retry-After': String(retryAfterSec ?? 1) });
    else rejectUpgrade(socket, 503, 'unavailable', reason, retryAfter);
  };

  async function handle(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    onError: (err: Error) => void,
    holder: { slot: SlotRelease | undefined },
  ): Promise<void> {
    const remoteAddress = req.socket.remoteAddress;
    const verdict = options.ipWindow?.attempt(remoteAddress ?? 'unknown', Date.now());
    if (verdict && !verdict.allowed) {
      return refuse(
        socket,
        remoteAddress,
        'ip_rate_limited',
        'too many connection attempts from this address; retry later',
        verdict.retryAfterSec,
      );
    }
    if (pathname(req.url) !== path) {
      return refuse(
        socket,
        remoteAddress,
        'not_found',
        `no WebSocket endpoint here; agents connect to ${path}`,
      );
    }
    if (isClosing())
      return refuse(socket, remoteAddress, 'shutting_down', 'relay is shutting down; retry later');
    const credential = bearer(req.headers.authorization);
    if (!credential) {
      return refuse(
        socket,
        remoteAddress,
        'unauthorized',
        'missing "Authorization: Bearer <credential>" header',
      );
    }
    const slot = options.slots ? options.slots.tryTake() : noSlot;
    if (!slot) {
      return refuse(
        socket,
        remoteAddress,
        'too_many_unauthenticated',
        'relay has too many connections awaiting authentication; retry later',
      );
    }
    holder.slot = slot;
    const release = await gate.enter();
    if (!release)
      return refuse(socket, remoteAddress, 'auth_busy', 'relay is busy checking credentials; retry later');
    let outcome: AgentAuthOutcome;
    try {
      // The agent may have given up while it waited for a slot.
      if (socket.destroyed) return;
      outcome = await authenticate(credential);
    } finally {
      release();
    }
    if (socket.destroyed) {
      logger.info({ remoteAddress }, 'agent went away during authentication');
      return;
    }
    switch (outcome.kind) {
      case 'refused':
        // The backend's own message stays in our log: it may say more than an unauthenticated peer should learn.
        logger.info(
          { remoteAddress, backendStatus: outcome.status, reason: outcome.message },
          'credential refused',
        );
        return refuse(socket, remoteAddress, 'unauthorized', 'credential unknown or revoked');
      case 'unavailable':
        logger.warn({ remoteAddress, reason: outcome.reason }, 'cannot check agent credential');
        return refuse(
          socket,
          remoteAddress,
          'backend_unavailable',
          'relay cannot reach the backend to check credentials; retry later',
        );
      case 'accepted':
        if (isClosing())
          return refuse(socket, remoteAddress, 'shutting_down', 'relay is shutting down; retry later');
        if (outcome.stale) {
          logger.warn(
            {
              remoteAddress,
              computerId: outcome.agent.computerId,
              verifiedAt: new Date(outcome.stale.verifiedAt).toISOString(),
            },
            'backend unavailable: agent admitted on its stored verdict (checked again once the backend answers)',
          );
        }
        // From here `ws` owns the socket and its errors; a refused socket keeps our listener until destroyed.
        socket.removeListener('error', onError);
        // The slot now belongs to the connection: released at its hello or when it closes.
        holder.slot = undefined;
        accept(req, socket, head, outcome.agent, slot);
        return;
    }
  }

  return (req, socket, head) => {
    // A peer that resets the connection while we wait for the backend must not crash the relay.
    const onError = (err: Error) => logger.debug({ err: err.message }, 'socket error during upgrade');
    socket.on('error', onError);
    /** The unauthenticated slot while this handler holds it; released however the handler ends. */
    const holder: { slot: SlotRelease | undefined } = { slot: undefined };
    handle(req, socket, head, onError, holder)
      .catch((err: unknown) => {
        logger.error({ err }, 'upgrade handler failed');
        if (socket.listenerCount('error') === 0) socket.on('error', onError);
        options.onReject?.('internal');
        rejectUpgrade(socket, 500, 'internal', 'internal error');
      })
      .finally(() => holder.slot?.());
  };
}

/** The credential of an `Authorization: Bearer <credential>` header, if well-formed. */
export function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

function pathname(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '', 'http://relay.invalid').pathname;
  } catch {
    return undefined;
  }
}
