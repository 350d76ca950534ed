import type { Inventory } from '@labmgr/protocol';
import type { SampleStore } from '../buffer/sample-buffer.js';
import type { CommandExecutor } from '../handlers/context.js';
import type { Logger } from '../logging/logger.js';
import type { BackoffOptions } from './backoff.js';
import type { HeartbeatOptions } from './heartbeat.js';

export interface AgentConnectionOptions {
  /** The relay's agent endpoint, e.g. `ws://127.0.0.1:8081/agent` or `wss://relay.lab:8081/agent`. */
  readonly url: string;
  /** Sent as `Authorization: Bearer …` on the upgrade request. */
  readonly credential: string;
  /**
   * For `wss://`: the SHA-256 fingerprint the relay's certificate must have
   * (colon-separated upper-case hex, as Node's `fingerprint256`). `null`
   * verifies the certificate against the system CAs instead. With a pin a
   * `ws://` URL is never connected to (the credential would travel in clear).
   * @default null
   */
  readonly serverCertFingerprint?: string | null;
  readonly hostname: string;
  readonly agentVersion: string;
  /** Samples waiting for their ack; read on every (re)connect. */
  readonly store: SampleStore;
  /** Sent after every welcome; replace with `updateInventory`. `null` until one could be collected. */
  readonly inventory: Inventory | null;
  readonly log: Logger;
  /** Runs delivered commands; without one they are refused. Also settable later with `setCommandExecutor`. */
  readonly commands?: CommandExecutor;
  /** @default { baseMs: 1000, capMs: 60000 } */
  readonly backoff?: BackoffOptions;
  /** @default { intervalMs: 15000, timeoutMs: 45000 } */
  readonly heartbeat?: HeartbeatOptions;
  /** @default 1 MiB */
  readonly maxBufferedBytes?: number;
  /** Time allowed for the TLS handshake and the HTTP upgrade. @default 10000 */
  readonly handshakeTimeoutMs?: number;
  /** Time allowed between `hello` and `welcome`. @default 30000 */
  readonly welcomeTimeoutMs?: number;
  /** Randomness for the backoff jitter. @default Math.random */
  readonly random?: () => number;
}
