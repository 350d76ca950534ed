import type { LatestMetrics, MetricSample } from '@labmgr/protocol';

/** Reduces a full sample to the figures the fleet view shows. */
export function summarizeSample(sample: MetricSample): LatestMetrics {
  let diskUsed = 0;
  let diskTotal = 0;
  for (const fs of sample.filesystems) {
    diskUsed += fs.usedBytes;
    diskTotal += fs.totalBytes;
  }
  let rx = 0;
  let tx = 0;
  for (const n of sample.network) {
    rx += n.rxBytesPerSec;
    tx += n.txBytesPerSec;
  }
  return {
    at: new Date(sample.at).toISOString(),
    cpuPercent: sample.cpu.percent,
    memUsedBytes: sample.memory.usedBytes,
    memTotalBytes: sample.memory.totalBytes,
    diskUsedBytes: diskUsed,
    diskTotalBytes: diskTotal,
    load1: sample.load[0],
    netRxBytesPerSec: rx,
    netTxBytesPerSec: tx,
    uptimeSec: sample.uptimeSec,
  };
}
