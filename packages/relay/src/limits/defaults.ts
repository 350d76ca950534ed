/**
 * Defaults of the relay's limits, shared by `loadConfig` (and so `--help`)
 * and `startRelay` (for in-process callers that leave a field unset).
 */
export const LIMIT_DEFAULTS = {
  /** Largest agent frame, bytes (WebSocket `maxPayload`; over it: close 1009). */
  maxFrameBytes: 1024 * 1024,
  /**
   * Sustained frames per second per agent. A normal agent sends one frame
   * per sample (every 1-5 s); catching up after an outage it is paced at
   * this rate rather than disconnected.
   */
  rateLimit: 50,
  /** Frames an agent may send at once above the sustained rate. */
  rateBurst: 500,
  /** Bytes waiting to be sent to one agent before it counts as not reading (close 4413). */
  maxSendBufferBytes: 4 * 1024 * 1024,
  /** Connections awaiting the credential check or their `hello`, relay-wide. */
  maxUnauthenticated: 1000,
  /** Connection attempts per client address per window (a whole lab may share one NAT address). */
  ipConnectLimit: 600,
  /** Length of that window, seconds. */
  ipConnectWindowSec: 60,
  /** How long an accepted credential verdict is reused, seconds. */
  authCacheSec: 30,
  /**
   * Oldest accepted verdict, seconds since the backend gave it, that still
   * lets a known agent in while the backend cannot be asked (7 days: a long
   * weekend's outage).
   */
  authFallbackSec: 7 * 24 * 3600,
  /**
   * Seconds a connection may take to send its request headers (an agent's
   * upgrade request, a control or metrics call), TLS handshake included.
   */
  headersTimeoutSec: 10,
  /**
   * TCP connections whose first request or upgrade has not arrived, relay-wide.
   * Room for a fleet of 10,000 agents reconnecting at once: each is pending
   * only for the round trip of its upgrade request.
   */
  maxPendingConnections: 2000,
  /**
   * Of those, from one address: a single host cannot fill the cap, while a
   * lab behind one NAT address reconnecting at once still fits (each is
   * pending for milliseconds).
   */
  maxPendingPerAddress: 250,
} as const;
