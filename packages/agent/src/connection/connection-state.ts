import type { WelcomeFrame } from '@labmgr/protocol';
import type WebSocket from 'ws';
import type { Heartbeat } from './heartbeat.js';
import type { Outbox } from './outbox.js';

/**
 * The connection's life, one socket at a time:
 *
 *   idle → connecting → handshaking → ready
 *              ↑            │            │
 *              └─ waiting ←─┴────────────┘   (any close or failure)
 *
 * and `stopped` from anywhere. `retries` counts reconnects since the last
 * welcome and drives the backoff; reaching `ready` resets it.
 */
export type ConnectionState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'connecting'; readonly socket: WebSocket; readonly retries: number }
  | {
      readonly kind: 'handshaking';
      readonly socket: WebSocket;
      readonly retries: number;
      readonly heartbeat: Heartbeat;
      readonly outbox: Outbox;
      /** Fires if the relay never answers the `hello`. */
      readonly welcomeDeadline: NodeJS.Timeout;
    }
  | {
      readonly kind: 'ready';
      readonly socket: WebSocket;
      readonly heartbeat: Heartbeat;
      readonly outbox: Outbox;
      readonly welcome: WelcomeFrame;
      readonly since: number;
    }
  | {
      readonly kind: 'waiting';
      readonly retries: number;
      readonly delayMs: number;
      readonly timer: NodeJS.Timeout;
    }
  | { readonly kind: 'stopped' };

export type ConnectionStateKind = ConnectionState['kind'];

/** What the connection tells its owner (status file, tests). */
export type ConnectionEvent =
  | { readonly type: 'state'; readonly state: ConnectionStateKind }
  | { readonly type: 'welcome'; readonly frame: WelcomeFrame }
  | { readonly type: 'ack'; readonly seq: number; readonly removed: number }
  /** The server asked for faster sampling for a while (validated by the schema). */
  | { readonly type: 'live-mode'; readonly intervalMs: number; readonly ttlSec: number }
  | { readonly type: 'refused'; readonly status: number; readonly body: string }
  | { readonly type: 'closed'; readonly code: number; readonly reason: string }
  | { readonly type: 'retry'; readonly retries: number; readonly delayMs: number };

/** A point-in-time summary for `status.json`. */
export interface ConnectionStatus {
  readonly state: ConnectionStateKind;
  readonly connected: boolean;
  readonly connectedSince: number | null;
  readonly lastAckSeq: number | null;
  readonly lastAckAt: number | null;
  readonly lastError: string | null;
  /** Command frames waiting for the next connection. */
  readonly queuedCommandFrames: number;
  /** Command frames dropped because that queue was full. */
  readonly droppedCommandFrames: number;
}
