import { z } from 'zod';
import { EpochMs, NonNeg, Percent } from './common.js';

export const CpuMetrics = z.object({
  /** Busy share of all cores since the previous sample. */
  percent: Percent,
  /** Busy share of each core, in core order. */
  perCore: z.array(Percent).max(1024),
});

export const MemoryMetrics = z.object({
  totalBytes: NonNeg,
  usedBytes: NonNeg,
  availableBytes: NonNeg,
  swapTotalBytes: NonNeg,
  swapUsedBytes: NonNeg,
});

export const FilesystemMetrics = z.object({
  mount: z.string().max(1024),
  fsType: z.string().max(64),
  totalBytes: NonNeg,
  usedBytes: NonNeg,
});

export const NetworkMetrics = z.object({
  iface: z.string().max(64),
  rxBytesPerSec: NonNeg,
  txBytesPerSec: NonNeg,
});

/** One sample of a computer's live state. */
export const MetricSample = z.object({
  /** When the agent took the sample. */
  at: EpochMs,
  cpu: CpuMetrics,
  /** Load average over 1, 5 and 15 minutes (0 where the OS has none). */
  load: z.tuple([NonNeg, NonNeg, NonNeg]),
  memory: MemoryMetrics,
  filesystems: z.array(FilesystemMetrics).max(256),
  network: z.array(NetworkMetrics).max(256),
  uptimeSec: NonNeg,
  processCount: z.number().int().nonnegative(),
});
export type MetricSample = z.infer<typeof MetricSample>;
