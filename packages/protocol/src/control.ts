import { z } from 'zod';
import { CancelFrame, CommandFrame, LiveModeFrame } from './agent-frames.js';
import { ComputerId, EpochMs, IsoDateTime } from './common.js';

// ---- backend -> relay: the relay control API (`/control/v1/...` on the relay port) ----
// Every call carries `Authorization: Bearer <controlToken>`, the secret the relay
// generated at start and gave the backend in its registration.

/** The relay frames the backend may have a relay pass to an agent (never welcome/ack/ping). */
export const ControlFrame = z.discriminatedUnion('type', [CommandFrame, CancelFrame, LiveModeFrame]);
export type ControlFrame = z.infer<typeof ControlFrame>;

/** How long a message may wait in the relay's queue for an agent that is reconnecting. */
export const MessageTtlSec = z.number().int().min(1).max(3600);

/** `POST /control/v1/agents/{computerId}/messages`: one message for one agent. */
export const ControlMessage = z.object({
  /** Chosen by the backend; names the message in results, status reports and `DELETE`. */
  messageId: z.uuid(),
  frame: ControlFrame,
  ttlSec: MessageTtlSec,
  /**
   * Queue it even when this relay has never seen the agent (or forgot it),
   * e.g. right after a relay restart. Default: such a message is `unknown-agent`.
   */
  queueIfUnknown: z.boolean().optional(),
});
export type ControlMessage = z.infer<typeof ControlMessage>;

/** What happened to a message when the relay received it. */
export const DeliveryStatus = z.enum([
  /** Written to the agent's open connection. */
  'delivered',
  /** The agent is reconnecting: sent right after its next hello, unless its TTL runs out first. */
  'queued',
  /** Not connected here, not seen recently, nothing queued: the backend should look elsewhere. */
  'unknown-agent',
  /** The agent's queue (or the relay's total) is full; nothing was kept. */
  'queue-full',
]);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const ControlMessageResult = z.object({
  messageId: z.uuid(),
  computerId: ComputerId,
  status: DeliveryStatus,
});
export type ControlMessageResult = z.infer<typeof ControlMessageResult>;

/** Largest batch of `POST /control/v1/messages` (one call per relay for a fleet-wide action). */
export const MAX_CONTROL_BATCH = 10_000;

/** `POST /control/v1/messages`: many messages, usually one per agent. */
export const ControlBatch = z.object({
  messages: z
    .array(ControlMessage.extend({ computerId: ComputerId }))
    .min(1)
    .max(MAX_CONTROL_BATCH),
});
export type ControlBatch = z.infer<typeof ControlBatch>;

/** Answer of the batch call: one result per message, in the order sent. */
export const ControlBatchResult = z.object({ results: z.array(ControlMessageResult) });
export type ControlBatchResult = z.infer<typeof ControlBatchResult>;

/** `DELETE /control/v1/agents/{computerId}/messages/{messageId}` when the message was still queued. */
export const ControlCancelResult = z.object({
  messageId: z.uuid(),
  computerId: ComputerId,
  status: z.literal('cancelled'),
});
export type ControlCancelResult = z.infer<typeof ControlCancelResult>;

export const ConnectedAgent = z.object({
  computerId: ComputerId,
  connectedAt: EpochMs,
  remoteAddress: z.string().max(128).nullable(),
  agentVersion: z.string().max(64).nullable(),
  /** Messages waiting for this agent (normally 0 while it is connected). */
  queued: z.number().int().nonnegative(),
});
export type ConnectedAgent = z.infer<typeof ConnectedAgent>;

/** `GET /control/v1/agents`. */
export const ConnectedAgentList = z.object({
  relayId: z.string(),
  items: z.array(ConnectedAgent),
});
export type ConnectedAgentList = z.infer<typeof ConnectedAgentList>;

/** `POST /control/v1/agents/{computerId}/disconnect`: closes it with 4401 and `reason`. */
export const DisconnectRequest = z.object({ reason: z.string().min(1).max(120) });
export type DisconnectRequest = z.infer<typeof DisconnectRequest>;

export const DisconnectResult = z.object({
  computerId: ComputerId,
  status: z.literal('disconnected'),
  /** Queued messages dropped with the agent (each reported `expired`). */
  droppedMessages: z.number().int().nonnegative(),
});
export type DisconnectResult = z.infer<typeof DisconnectResult>;

// ---- relay -> backend (relay service token) ----------------------------------

/** `POST /api/v1/internal/relays/register`, on start and every 30 s. */
export const RelayRegistration = z.object({
  /** The relay's own name (`--relay-id`); the backend knows it by its token. */
  relayId: z.string().min(1).max(128),
  /** Base URL where the backend reaches `/control/v1/...` on this relay. */
  controlUrl: z.url({ protocol: /^https?$/ }).max(2048),
  /** Random secret generated at each relay start; the backend sends it back as Bearer. */
  controlToken: z.string().min(32).max(256),
  version: z.string().min(1).max(64),
  connectedAgents: z.number().int().nonnegative(),
});
export type RelayRegistration = z.infer<typeof RelayRegistration>;

export const RelayRegistered = z.object({
  /** The backend's id of the relay (the one in `computers.relay_id`). */
  id: z.string(),
  name: z.string(),
});
export type RelayRegistered = z.infer<typeof RelayRegistered>;

/** What became of a message the relay had answered `queued` for. */
export const MessageStatusItem = z.object({
  messageId: z.uuid(),
  computerId: ComputerId,
  status: z.enum(['delivered', 'expired']),
  at: EpochMs,
});
export type MessageStatusItem = z.infer<typeof MessageStatusItem>;

/** `POST /api/v1/internal/message-status`: batched reports of queued messages. */
export const MessageStatusReport = z.object({
  relayId: z.string().min(1).max(128),
  items: z.array(MessageStatusItem).min(1).max(10_000),
});
export type MessageStatusReport = z.infer<typeof MessageStatusReport>;

// ---- public API ----------------------------------------------------------------

/** `POST /api/v1/computers/{id}/live-mode`: sample every `intervalMs` for `ttlSec` (renew while watching). */
export const LiveModeRequest = z.object({
  intervalMs: LiveModeFrame.shape.intervalMs.default(1000),
  ttlSec: LiveModeFrame.shape.ttlSec.default(60),
});
export type LiveModeRequest = z.infer<typeof LiveModeRequest>;

export const LiveModeResponse = z.object({
  computerId: ComputerId,
  messageId: z.uuid(),
  status: DeliveryStatus,
});
export type LiveModeResponse = z.infer<typeof LiveModeResponse>;

/** `POST /api/v1/computers/{id}/revoke` (admins): the credential stops working and the agent is disconnected. */
export const RevokeRequest = z.object({
  /** Shown in the agent's log as the close reason. */
  reason: z.string().min(1).max(120).default('credential revoked by an administrator'),
});
export type RevokeRequest = z.infer<typeof RevokeRequest>;

export const RevokeResponse = z.object({
  computerId: ComputerId,
  /**
   * What the relays said (every registered relay is told to forget the
   * credential and close the agent): `disconnected` (a relay closed it with
   * 4401 now), `unknown-agent` (every relay answered, none held it),
   * `relay-unreachable` (some relay did not answer; it refuses the agent at its
   * next connect, within its credential-cache time), `offline` (no relay is registered).
   */
  disconnect: z.enum(['disconnected', 'unknown-agent', 'offline', 'relay-unreachable']),
});
export type RevokeResponse = z.infer<typeof RevokeResponse>;

/** `GET /api/v1/relays` (admins). */
export const RelaySummary = z.object({
  id: z.string(),
  name: z.string(),
  /** The id the relay announced (`--relay-id`), null until it registers. */
  relayId: z.string().nullable(),
  controlUrl: z.string().nullable(),
  version: z.string().nullable(),
  /** As the relay reported at its last registration. */
  connectedAgents: z.number().int().nonnegative(),
  /** Computers the backend shows online through this relay. */
  onlineComputers: z.number().int().nonnegative(),
  registeredAt: IsoDateTime.nullable(),
  lastSeenAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
  revokedAt: IsoDateTime.nullable(),
});
export type RelaySummary = z.infer<typeof RelaySummary>;

export const RelayList = z.object({ items: z.array(RelaySummary) });
export type RelayList = z.infer<typeof RelayList>;

/** `POST /api/v1/relays` (admins): a relay's service token, shown once. */
export const RelayCreate = z.object({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits and . _ - only'),
});
export type RelayCreate = z.infer<typeof RelayCreate>;

export const RelayCreated = z.object({ id: z.string(), name: z.string(), token: z.string() });
export type RelayCreated = z.infer<typeof RelayCreated>;

export const RelayIdParams = z.object({ id: z.string().min(1).max(64) });

// ---- backend -> browser live event ----------------------------------------------

/** A queued message was delivered late or expired (live event on `/api/v1/live`). */
export const LiveMessageStatus = z.object({
  type: z.literal('message.status'),
  relayId: z.string(),
  messageId: z.uuid(),
  computerId: ComputerId,
  status: z.enum(['delivered', 'expired']),
  at: EpochMs,
});
export type LiveMessageStatus = z.infer<typeof LiveMessageStatus>;
