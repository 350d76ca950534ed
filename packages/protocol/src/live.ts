import { z } from 'zod';
import { ComputerSummary, LatestMetrics } from './api.js';
import { ComputerId, EpochMs } from './common.js';
import { LiveMessageStatus } from './control.js';
import { LiveCommandOutput, LiveCommandRun } from './jobs.js';
import { MetricSample } from './metrics.js';

/**
 * Events the backend pushes to browsers on `/api/v1/live`. A frame holds one
 * event, or a JSON array of events published within the same ~100 ms
 * (receivers must accept both).
 */
export const LiveHello = z.object({
  type: z.literal('hello'),
  protocolVersion: z.number().int(),
  serverTime: EpochMs,
});

/**
 * Close codes of `/api/v1/live` (4000-4999 is the application range); the
 * reason carries a sentence. After the first two the browser re-checks its session.
 */
export const LiveCloseCode = {
  /** The session or API token the socket was opened with ended: sign-out, revoked, user disabled or deleted, password reset. */
  credentialsEnded: 4401,
  /** The user's role changed: reconnect to be served under the new one. */
  accessChanged: 4403,
  /** The browser did not read fast enough; reconnect and refetch. */
  tooSlow: 1013,
  /** The server is stopping. */
  goingAway: 1001,
} as const;
export type LiveCloseCode = (typeof LiveCloseCode)[keyof typeof LiveCloseCode];

/** A computer appeared, changed state or changed inventory: the whole summary. */
export const LiveComputerUpsert = z.object({
  type: z.literal('computer.upsert'),
  computer: ComputerSummary,
});

/** A new sample: only the figures that changed, to keep 1,000 computers/s cheap. */
export const LiveComputerMetrics = z.object({
  type: z.literal('computer.metrics'),
  computerId: ComputerId,
  metrics: LatestMetrics,
});

/** The full sample of a computer someone watches live (see `POST …/live-mode`), every time one arrives. */
export const LiveComputerSample = z.object({
  type: z.literal('computer.sample'),
  computerId: ComputerId,
  sample: MetricSample,
});

export const LiveEvent = z.discriminatedUnion('type', [
  LiveHello,
  LiveComputerUpsert,
  LiveComputerMetrics,
  LiveComputerSample,
  LiveMessageStatus,
  LiveCommandRun,
  LiveCommandOutput,
]);
export type LiveEvent = z.infer<typeof LiveEvent>;
