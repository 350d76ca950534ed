import { z } from 'zod';
import { CommandRequest, CommandStatus } from './commands.js';
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

/** A command passed the agent's checks and its process started. */
export const CommandStartedFrame = z.object({
  type: z.literal('command-started'),
  commandId: z.uuid(),
  startedAt: EpochMs,
});

/** A chunk of a running command's output, in order per stream (`seq` counts chunks of both streams). */
export const CommandOutputFrame = z.object({
  type: z.literal('command-output'),
  commandId: z.uuid(),
  seq: z.number().int().nonnegative(),
  stream: z.enum(['stdout', 'stderr']),
  data: z.string().max(65_536),
});

/** How a command ended. Re-sent unchanged if the same command id is delivered again. */
export const CommandResultFrame = z.object({
  type: z.literal('command-result'),
  commandId: z.uuid(),
  status: CommandStatus,
  exitCode: z.number().int().nullable(),
  /** Signal that ended the process (e.g. `SIGKILL`), if any. */
  signal: z.string().max(32).nullable(),
  startedAt: EpochMs.nullable(),
  finishedAt: EpochMs,
  durationMs: z.number().int().nonnegative(),
  /** Output went past the agent's cap and the rest was not sent. */
  truncated: z.boolean(),
  /** Why it was refused or failed to start, for people. */
  message: z.string().max(1024).nullable(),
});

export const AgentFrame = z.discriminatedUnion('type', [
  HelloFrame,
  InventoryFrame,
  MetricsFrame,
  PingFrame,
  PongFrame,
  CommandStartedFrame,
  CommandOutputFrame,
  CommandResultFrame,
]);
export type CommandStartedFrame = z.infer<typeof CommandStartedFrame>;
export type CommandOutputFrame = z.infer<typeof CommandOutputFrame>;
export type CommandResultFrame = z.infer<typeof CommandResultFrame>;
export type AgentFrame = z.infer<typeof AgentFrame>;
export type HelloFrame = z.infer<typeof HelloFrame>;
export type InventoryFrame = z.infer<typeof InventoryFrame>;
export type MetricsFrame = z.infer<typeof MetricsFrame>;

/** Agent frames the relay forwards to the backend (everything but the handshake and heartbeats). */
export const AgentDataFrame = z.discriminatedUnion('type', [
  InventoryFrame,
  MetricsFrame,
  CommandStartedFrame,
  CommandOutputFrame,
  CommandResultFrame,
]);
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

/**
 * Live mode: sample every `intervalMs` for `ttlSec`, then return to the
 * configured interval. The server renews it while someone watches, so a
 * forgotten watcher cannot leave an agent at 1 s for ever.
 */
export const LiveModeFrame = z.object({
  type: z.literal('live-mode'),
  intervalMs: z.number().int().min(250).max(60_000),
  ttlSec: z.number().int().min(1).max(3600),
});

/**
 * A command for this agent, signed by the backend (Ed25519 over
 * `canonicalCommandBytes(command)`, base64). The agent verifies it with the key
 * it pinned at enrollment; a relay cannot forge or alter one.
 */
export const CommandFrame = z.object({
  type: z.literal('command'),
  command: CommandRequest,
  signature: z.string().max(256),
});

/** Stop a running command; its result then reports `cancelled`. */
export const CancelFrame = z.object({ type: z.literal('cancel'), commandId: z.uuid() });

export const RelayFrame = z.discriminatedUnion('type', [
  WelcomeFrame,
  AckFrame,
  PingFrame,
  PongFrame,
  LiveModeFrame,
  CommandFrame,
  CancelFrame,
]);
export type LiveModeFrame = z.infer<typeof LiveModeFrame>;
export type CommandFrame = z.infer<typeof CommandFrame>;
export type CancelFrame = z.infer<typeof CancelFrame>;
export type RelayFrame = z.infer<typeof RelayFrame>;
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;
export type AckFrame = z.infer<typeof AckFrame>;

export { CloseCode } from './close-codes.js';
