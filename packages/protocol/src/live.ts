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
