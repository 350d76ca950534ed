import type { MetricSample } from '@labmgr/protocol';
import { clip } from './limits.js';

export interface NetCounters {
  readonly rxBytes: number;
  readonly txBytes: number;
}

/**
 * Parses /proc/net/dev: two header lines, then `iface: rx_bytes rx_packets …
 * (8 receive columns) tx_bytes …`. Old kernels glue the first number to the
 * colon (`eth0:123`), hence the split on the colon rather than on spaces.
 */
export function parseNetDev(text: string): Map<string, NetCounters> {
  const counters = new Map<string, NetCounters>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const iface = line.slice(0, colon).trim();
    const columns = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    const rxBytes = columns[0];
    const txBytes = columns[8];
    if (!iface || rxBytes === undefined || txBytes === undefined) continue;
    if (!Number.isFinite(rxBytes) || !Number.isFinite(txBytes)) continue;
    counters.set(iface, { rxBytes, txBytes });
  }
  return counters;
}

/**
 * Bytes per second between two readings, for every interface but loopback
 * (its traffic never leaves the machine). A counter that went down (wrap,
 * driver reset) or an interface that just appeared counts as 0.
 */
export function networkRates(
  prev: ReadonlyMap<string, NetCounters>,
  cur: ReadonlyMap<string, NetCounters>,
  elapsedMs: number,
): MetricSample['network'] {
  const seconds = elapsedMs / 1000;
  const out: MetricSample['network'] = [];
  for (const [iface, now] of cur) {
    if (iface === 'lo') continue;
    const before = prev.get(iface);
    out.push({
      iface: clip(iface, 64),
      rxBytesPerSec: rate(before?.rxBytes, now.rxBytes, seconds),
      txBytesPerSec: rate(before?.txBytes, now.txBytes, seconds),
    });
  }
  return out;
}

function rate(before: number | undefined, now: number, seconds: number): number {
  if (before === undefined || seconds <= 0 || now < before) return 0;
  return Math.round((now - before) / seconds);
}
