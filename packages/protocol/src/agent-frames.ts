import { z } from 'zod';
import { ComputerId, EpochMs, Hostname } from './common.js';
import { Inventory } from './inventory.js';
import { MetricSample } from './metrics.js';

/** Per-agent, strictly increasing sample number; survives reconnects. */
export const Seq = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

// ---- agent -> relay -------------------------------------------------------

/** First frame on every connection. */
export const HelloFrame = z.object({
  type: z.literal('hello'),
  protocolVersion: z.number().int().positive(),
  agentVersion: z.string().min(1).max(64),
  hostname: Hostname,
});

export const InventoryFrame = z.object({
  type: z.literal('inventory'),
  inventory: Inventory,
});

export const MetricsFrame = z.object({
  type: z.literal('metrics'),
  seq: Seq,
  sample: MetricSample,
  /** Samples the agent had to drop (buffer overflow) since it last reported. */
  dropped: z.number().int().nonnegative().default(0),
});

/** Heartbeat; the peer answers with `pong` carrying the same `ts`. */
export const PingFrame = z.object({ type: z.literal('ping'), ts: EpochMs });
export const PongFrame = z.object({ type: z.literal('pong'), ts: EpochMs });

export const AgentFrame = z.discriminatedUnion('type', [
  HelloFrame,
  InventoryFrame,
  MetricsFrame,
  PingFrame,
  PongFrame,
]);
export type AgentFrame = z.infer<typeof AgentFrame>;
export type HelloFrame = z.infer<typeof HelloFrame>;
export type InventoryFrame = z.infer<typeof InventoryFrame>;
export type MetricsFrame = z.infer<typeof MetricsFrame>;

/** Agent frames the relay forwards to the backend (everything but the handshake and heartbeats). */
export const AgentDataFrame = z.discriminatedUnion('type', [InventoryFrame, MetricsFrame]);
export type AgentDataFrame = z.infer<typeof AgentDataFrame>;

// ---- relay -> agent -------------------------------------------------------

export const WelcomeFrame = z.object({
  type: z.literal('welcome'),
  protocolVersion: z.number().int().positive(),
  computerId: ComputerId,
  relayId: z.string().min(1).max(128),
  serverTime: EpochMs,
});

/** Cumulative: the backend has durably stored every sample with a sequence number <= `seq`. */
export const AckFrame = z.object({ type: z.literal('ack'), seq: Seq });

export const RelayFrame = z.discriminatedUnion('type', [WelcomeFrame, AckFrame, PingFrame, PongFrame]);
export type RelayFrame = z.infer<typeof RelayFrame>;
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;
export type AckFrame = z.infer<typeof AckFrame>;

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
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
