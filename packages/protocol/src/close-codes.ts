/**
 * WebSocket close codes used on the agent connection (4000-4999 is the
 * application range). The close reason carries a human-readable sentence.
 */
export const CloseCode = {
  /** Normal shutdown of a peer; reconnect later. */
  goingAway: 1001,
  /** A frame that is not JSON or does not match the protocol schema. */
  badFrame: 4400,
  /** Credential unknown, revoked or missing. */
  unauthorized: 4401,
  /** The agent spoke an unsupported protocol version. */
  unsupportedVersion: 4426,
  /** Another connection for the same agent replaced this one. */
  replaced: 4409,
  /** No pong within the heartbeat window. */
  heartbeatTimeout: 4408,
  /** The first frame was not `hello` or came too late. */
  handshakeFailed: 4402,
  /** The relay is overloaded or its backend is unreachable; retry with backoff. */
  tryAgainLater: 1013,
  /** A frame larger than the relay accepts. */
  messageTooBig: 1009,
  /** A bug on the relay's side; reconnect. */
  internalError: 1011,
  /**
   * The agent sent frames far beyond its per-connection rate (sustained rate
   * plus burst), even after the relay stopped reading from it; reconnect with backoff.
   */
  rateLimited: 4429,
  /**
   * The agent did not read what the relay sent: more than the relay's send
   * buffer limit was waiting for it. Reconnect with backoff.
   */
  slowConsumer: 4413,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
