import type { IncomingMessage, Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Options of `http.createServer` / `https.createServer` that bound how long a
 * connection may take to send its request headers (or upgrade request), so a
 * client that connects and sends nothing, or drips its headers, is closed
 * after `headersTimeoutMs` (+ at most one check interval) instead of Node's
 * ~60-90 s. Over TLS the handshake gets the same bound (the headers clock only
 * starts once it is done). Upgraded WebSockets (agents, browsers' live sockets) and idle keep-alive connections
 * between requests are not affected (`keepAliveTimeout` governs the latter).
 */
export function handshakeServerOptions(headersTimeoutMs: number): ServerOptions & {
  handshakeTimeout: number;
} {
  return {
    headersTimeout: headersTimeoutMs,
    // Node checks for expired connections every 30 s by default.
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.ceil(headersTimeoutMs / 4))),
    handshakeTimeout: headersTimeoutMs,
  };
}

/** What {@link limitPendingConnections} exposes. */
export interface PendingConnections {
  /** Connections accepted whose first request or upgrade has not arrived yet. */
  readonly count: number;
}

/** Why a connection was closed at once: the cap was full, or its address held its share already. */
export type PendingRefusal = 'too_many_pending' | 'too_many_pending_from_address';

/**
 * Caps connections that have not completed their first request or upgrade
 * (`max`; 0: no cap): beyond it a new TCP connection is destroyed at once,
 * before any parser or TLS state exists, and `onRefused` is called. One
 * address may hold at most `perAddress` of them (0: no such limit), so a
 * single host that keeps opening connections and sending nothing cannot shut
 * everyone else out; a lab behind one NAT address still has room, since a
 * real client's handshake takes milliseconds. A connection leaves the count when
 * its first request's headers (or upgrade request) have arrived, or when it
 * closes; later requests on a keep-alive connection are bounded by the
 * headers timeout only.
 */
export function limitPendingConnections(
  server: Server,
  limits: { max: number; perAddress: number },
  onRefused: (why: PendingRefusal) => void = () => {},
): PendingConnections {
  const { max, perAddress } = limits;
  // Keyed by the peer's address and port: over TLS, requests come on a TLS
  // socket wrapping the raw one the `connection` event saw.
  const pending = new Map<string, Socket>();
  const byAddress = new Map<string, number>();
  const release = (key: string, socket: Socket, address: string) => {
    if (pending.get(key) !== socket) return;
    pending.delete(key);
    const n = (byAddress.get(address) ?? 1) - 1;
    if (n > 0) byAddress.set(address, n);
    else byAddress.delete(address);
  };
  server.prependListener('connection', (socket: Socket) => {
    const key = keyOf(socket);
    const address = socket.remoteAddress;
    // Already reset by the peer: Node's own listeners see it closed.
    if (key === undefined || address === undefined) return;
    if (max > 0 && pending.size >= max) {
      onRefused('too_many_pending');
      socket.destroy();
      return;
    }
    const held = byAddress.get(address) ?? 0;
    if (perAddress > 0 && held >= perAddress) {
      onRefused('too_many_pending_from_address');
      socket.destroy();
      return;
    }
    pending.set(key, socket);
    byAddress.set(address, held + 1);
    socket.once('close', () => release(key, socket, address));
  });
  const settled = (req: IncomingMessage) => {
    const key = keyOf(req.socket);
    const socket = key === undefined ? undefined : pending.get(key);
    if (key !== undefined && socket !== undefined && socket.remoteAddress !== undefined) {
      release(key, socket, socket.remoteAddress);
    }
  };
  server.prependListener('request', settled);
  server.prependListener('upgrade', settled);
  return {
    get count() {
      return pending.size;
    },
  };
}

function keyOf(socket: Socket): string | undefined {
  const { remoteAddress, remotePort } = socket;
  return remoteAddress === undefined || remotePort === undefined
    ? undefined
    : `${remoteAddress}|${remotePort}`;
}
