import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AgentAuthResponse } from '@labmgr/protocol';
import type { Logger } from 'pino';
import type { AgentAuthOutcome } from '../backend/backend-client.js';
import { AuthGate } from './auth-gate.js';
import { rejectUpgrade } from './http-reply.js';

export interface UpgradeOptions {
  /** The one path that accepts WebSocket upgrades. @default '/agent' */
  path?: string;
  /** Asks the backend whether a credential may connect. Must resolve, never reject. */
  authenticate: (credential: string) => Promise<AgentAuthOutcome>;
  /** Completes the WebSocket handshake of an authenticated agent. */
  accept: (req: IncomingMessage, socket: Duplex, head: Buffer, agent: AgentAuthResponse) => void;
  /** True once the relay is shutting down: refuse with 503 instead. */
  isClosing: () => boolean;
  logger: Logger;
  /** @default new AuthGate() */
  gate?: AuthGate;
  /** Seconds sent in `Retry-After` when the relay cannot check credentials now. @default 5 */
  retryAfterSec?: number;
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

  const refuse = (socket: Duplex, remoteAddress: string | undefined, status: number, reason: string) => {
    logger.info({ remoteAddress, status, reason }, 'agent refused');
    if (status === 401) rejectUpgrade(socket, 401, 'unauthorized', reason);
    else if (status === 404) rejectUpgrade(socket, 404, 'not_found', reason);
    else rejectUpgrade(socket, 503, 'unavailable', reason, retryAfter);
  };

  async function handle(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    onError: (err: Error) => void,
  ): Promise<void> {
    const remoteAddress = req.socket.remoteAddress;
    if (pathname(req.url) !== path) {
      return refuse(socket, remoteAddress, 404, `no WebSocket endpoint here; agents connect to ${path}`);
    }
    if (isClosing()) return refuse(socket, remoteAddress, 503, 'relay is shutting down; retry later');
    const credential = bearer(req.headers.authorization);
    if (!credential) {
      return refuse(socket, remoteAddress, 401, 'missing "Authorization: Bearer <credential>" header');
    }
    const release = await gate.enter();
    if (!release)
      return refuse(socket, remoteAddress, 503, 'relay is busy checking credentials; retry later');
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
        return refuse(socket, remoteAddress, 401, 'credential unknown or revoked');
      case 'unavailable':
        logger.warn({ remoteAddress, reason: outcome.reason }, 'cannot check agent credential');
        return refuse(
          socket,
          remoteAddress,
          503,
          'relay cannot reach the backend to check credentials; retry later',
        );
      case 'accepted':
        if (isClosing()) return refuse(socket, remoteAddress, 503, 'relay is shutting down; retry later');
        // From here `ws` owns the socket and its errors; a refused socket keeps our listener until destroyed.
        socket.removeListener('error', onError);
        accept(req, socket, head, outcome.agent);
        return;
    }
  }

  return (req, socket, head) => {
    // A peer that resets the connection while we wait for the backend must not crash the relay.
    const onError = (err: Error) => logger.debug({ err: err.message }, 'socket error during upgrade');
    socket.on('error', onError);
    handle(req, socket, head, onError).catch((err: unknown) => {
      logger.error({ err }, 'upgrade handler failed');
      if (socket.listenerCount('error') === 0) socket.on('error', onError);
      rejectUpgrade(socket, 500, 'internal', 'internal error');
    });
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
