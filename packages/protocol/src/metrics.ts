import { z } from 'zod';
import { EpochMs, NonNeg, Percent } from './common.js';

/** Share of CPU time spent in each state since the previous sample (sums to ~100). */
export const CpuTimes = z.object({
  user: Percent,
  system: Percent,
  iowait: Percent,
  idle: Percent,
  /** Time a hypervisor gave to other guests; 0 on bare metal. */
  steal: Percent,
});
export type CpuTimes = z.infer<typeof CpuTimes>;

export const CpuMetrics = z.object({
  /** Busy share of all cores since the previous sample. */
  percent: Percent,
  /** Busy share of each core, in core order. */
  perCore: z.array(Percent).max(1024),
  /** All cores together, by state. */
  times: CpuTimes,
  /** Each core by state, in core order. */
  perCoreTimes: z.array(CpuTimes).max(1024),
});
export type CpuMetrics = z.infer<typeof CpuMetrics>;

export const MemoryMetrics = z.object({
  totalBytes: NonNeg,
  usedBytes: NonNeg,
  availableBytes: NonNeg,
  /** Page cache (reclaimable). */
  cachedBytes: NonNeg,
  buffersBytes: NonNeg,
  swapTotalBytes: NonNeg,
  swapUsedBytes: NonNeg,
});
export type MemoryMetrics = z.infer<typeof MemoryMetrics>;

export const FilesystemMetrics = z.object({
  mount: z.string().max(1024),
  fsType: z.string().max(64),
  totalBytes: NonNeg,
  usedBytes: NonNeg,
  /** 0 where the filesystem has no inode limit (btrfs, vfat). */
  inodesTotal: NonNeg,
  inodesUsed: NonNeg,
});
export type FilesystemMetrics = z.infer<typeof FilesystemMetrics>;

/** Throughput of one block device (whole disks, not partitions) since the previous sample. */
export const DiskIoMetrics = z.object({
  device: z.string().max(200),
  readBytesPerSec: NonNeg,
  writeBytesPerSec: NonNeg,
  readsPerSec: NonNeg,
  writesPerSec: NonNeg,
});
export type DiskIoMetrics = z.infer<typeof DiskIoMetrics>;

export const NetworkMetrics = z.object({
  iface: z.string().max(64),
  rxBytesPerSec: NonNeg,
  txBytesPerSec: NonNeg,
  rxPacketsPerSec: NonNeg,
  txPacketsPerSec: NonNeg,
  /** Errors and drops counted since the previous sample. */
  rxErrors: NonNeg,
  txErrors: NonNeg,
  rxDrops: NonNeg,
  txDrops: NonNeg,
});
export type NetworkMetrics = z.infer<typeof NetworkMetrics>;

export const Temperature = z.object({
  /** The chip or zone, e.g. `coretemp` or `acpitz`. */
  sensor: z.string().max(128),
  /** The reading's own label where the OS has one, e.g. `Package id 0`. */
  label: z.string().max(128).nullable(),
  celsius: z.number().finite().min(-100).max(300),
});
export type Temperature = z.infer<typeof Temperature>;

export const ProcessInfo = z.object({
  pid: z.number().int().nonnegative(),
  name: z.string().max(256),
  user: z.string().max(128).nullable(),
  /** Of one core, so a busy multi-threaded process can exceed 100. */
  cpuPercent: NonNeg,
  rssBytes: NonNeg,
});
export type ProcessInfo = z.infer<typeof ProcessInfo>;

/** One sample of a computer's live state. */
export const MetricSample = z.object({
  /** When the agent took the sample. */
  at: EpochMs,
  cpu: CpuMetrics,
  /** Load average over 1, 5 and 15 minutes (0 where the OS has none). */
  load: z.tuple([NonNeg, NonNeg, NonNeg]),
  memory: MemoryMetrics,
  filesystems: z.array(FilesystemMetrics).max(256),
  disks: z.array(DiskIoMetrics).max(256),
  network: z.array(NetworkMetrics).max(256),
  /** Only where the OS exposes sensors; empty otherwise (e.g. most VMs). */
  temperatures: z.array(Temperature).max(256),
  uptimeSec: NonNeg,
  processCount: z.number().int().nonnegative(),
  /**
   * The ten busiest processes by CPU and the ten largest by resident memory,
   * as of the agent's last walk of its processes. Sent only in the sample
   * taken right after a walk (every 10–30 s on Linux) or when asked for (the
   * first sample of live mode); absent, the lists last sent still stand.
   * Agents before 2026-12-07 send them in every sample; relays and backends
   * before then refuse a sample without them (update those first).
   */
  topProcesses: z
    .object({
      byCpu: z.array(ProcessInfo).max(10),
      byMemory: z.array(ProcessInfo).max(10),
    })
    .optional(),
  loggedInUserCount: z.number().int().nonnegative(),
});
export type MetricSample = z.infer<typeof MetricSample>;
