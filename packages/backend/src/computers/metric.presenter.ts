import type { MetricPoint } from '@labmgr/protocol';
import type { MetricRollupRow } from './metric.repository.js';

/** One 1-minute or 1-hour bucket: averages as the figures, extremes in `min` / `max`. */
export function toRollupPoint(row: MetricRollupRow): MetricPoint {
  return {
    at: new Date(row.bucket_start).toISOString(),
    seq: row.last_seq,
    samples: row.samples,
    cpuPercent: row.cpu_avg,
    memUsedBytes: row.mem_used_avg,
    memTotalBytes: row.mem_total,
    diskUsedBytes: row.disk_used_avg,
    diskTotalBytes: row.disk_total,
    load1: row.load1_avg,
    netRxBytesPerSec: row.net_rx_avg,
    netTxBytesPerSec: row.net_tx_avg,
    min: {
      cpuPercent: row.cpu_min,
      memUsedBytes: row.mem_used_min,
      diskUsedBytes: row.disk_used_min,
      load1: row.load1_min,
      netRxBytesPerSec: row.net_rx_min,
      netTxBytesPerSec: row.net_tx_min,
    },
    max: {
      cpuPercent: row.cpu_max,
      memUsedBytes: row.mem_used_max,
      diskUsedBytes: row.disk_used_max,
      load1: row.load1_max,
      netRxBytesPerSec: row.net_rx_max,
      netTxBytesPerSec: row.net_tx_max,
    },
  };
}
