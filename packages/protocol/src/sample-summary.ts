import type { LatestMetrics } from './api.js';
import type { DiskIoMetrics, MetricSample, NetworkMetrics } from './metrics.js';

/** Bytes a second received and sent, summed over every interface. */
export function networkTotals(network: readonly NetworkMetrics[]): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const n of network) {
    rx += n.rxBytesPerSec;
    tx += n.txBytesPerSec;
  }
  return { rx, tx };
}

/** Bytes a second read and written, summed over every block device. */
export function diskIoTotals(disks: readonly DiskIoMetrics[]): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const d of disks) {
    read += d.readBytesPerSec;
    write += d.writeBytesPerSec;
  }
  return { read, write };
}

/**
 * Reduces a full sample to the headline figures the fleet view shows (the
 * backend stores them per computer; the web derives them from a live sample).
 */
export function summarizeSample(sample: MetricSample): LatestMetrics {
  let diskUsed = 0;
  let diskTotal = 0;
  for (const fs of sample.filesystems) {
    diskUsed += fs.usedBytes;
    diskTotal += fs.totalBytes;
  }
  const net = networkTotals(sample.network);
  return {
    at: new Date(sample.at).toISOString(),
    cpuPercent: sample.cpu.percent,
    memUsedBytes: sample.memory.usedBytes,
    memTotalBytes: sample.memory.totalBytes,
    diskUsedBytes: diskUsed,
    diskTotalBytes: diskTotal,
    load1: sample.load[0],
    netRxBytesPerSec: net.rx,
    netTxBytesPerSec: net.tx,
    uptimeSec: sample.uptimeSec,
  };
}
