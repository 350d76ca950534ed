import { z } from 'zod';
import { AgentDataFrame, Seq } from './agent-frames.js';
import { ComputerId, EpochMs, Hostname } from './common.js';

/** `POST /api/v1/internal/agent-auth`: may the holder of this credential connect? */
export const AgentAuthRequest = z.object({ credential: z.string().min(1).max(512) });
export type AgentAuthRequest = z.infer<typeof AgentAuthRequest>;
export const AgentAuthResponse = z.object({ computerId: ComputerId, hostname: Hostname });
export type AgentAuthResponse = z.infer<typeof AgentAuthResponse>;

/** One agent frame as the relay forwards it. */
export const IngestItem = z.object({
  computerId: ComputerId,
  receivedAt: EpochMs,
  frame: AgentDataFrame,
});
export type IngestItem = z.infer<typeof IngestItem>;

/** `POST /api/v1/internal/ingest`: a batch of agent frames, in arrival order per agent. */
export const IngestBatch = z.object({
  relayId: z.string().min(1).max(128),
  items: z.array(IngestItem).min(1).max(10_000),
});
export type IngestBatch = z.infer<typeof IngestBatch>;

/** For each computer in the batch, the highest sequence number now durably stored. */
export const IngestResult = z.object({
  acks: z.array(z.object({ computerId: ComputerId, seq: Seq })),
});
export type IngestResult = z.infer<typeof IngestResult>;

export const PresenceEvent = z.object({
  computerId: ComputerId,
  state: z.enum(['connected', 'disconnected']),
  at: EpochMs,
  /** Why the connection ended (close reason), for `disconnected`. */
  reason: z.string().max(256).optional(),
  /** WebSocket close code, for `disconnected`. */
  code: z.number().int().min(1000).max(4999).optional(),
  remoteAddress: z.string().max(128).optional(),
  agentVersion: z.string().max(64).optional(),
});
export type PresenceEvent = z.infer<typeof PresenceEvent>;

/** `POST /api/v1/internal/presence`: agents that connected to or left this relay. */
export const PresenceBody = z.object({
  relayId: z.string().min(1).max(128),
  events: z.array(PresenceEvent).min(1).max(10_000),
});
export type PresenceBody = z.infer<typeof PresenceBody>;

/** `GET /healthz` on the relay. */
export const RelayHealth = z.object({
  status: z.literal('ok'),
  relayId: z.string(),
  /** Agents past the handshake. */
  agents: z.number().int().nonnegative(),
  /** Agent frames queued for the backend, the batch in flight included. */
  pendingFrames: z.number().int().nonnegative(),
  /** Size of the relay's disk spool (frames waiting while the backend is unreachable). */
  spoolBytes: z.number().int().nonnegative().optional(),
  /** Of `pendingFrames`, those in the disk spool. */
  spooledFrames: z.number().int().nonnegative().optional(),
  /** Agents the relay is not reading from until its queue has room (back-pressure). */
  pacedAgents: z.number().int().nonnegative().optional(),
});
export type RelayHealth = z.infer<typeof RelayHealth>;
