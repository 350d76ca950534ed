import type { NetworkMetrics } from '@labmgr/protocol';
import { clip } from './limits.js';

/** Cumulative counters of one interface, as /proc/net/dev reports them. */
export interface NetCounters {
  readonly rxBytes: number;
  readonly rxPackets: number;
  readonly rxErrors: number;
  readonly rxDrops: number;
  readonly txBytes: number;
  readonly txPackets: number;
  readonly txErrors: number;
  readonly txDrops: number;
}

/**
 * One interface line of /proc/net/dev: the name up to the colon, then the
 * first four receive columns, four skipped, the first four transmit columns.
 */
const NET_DEV_LINE =
  /^ *([^\s:]+): *(\d+) +(\d+) +(\d+) +(\d+) +\d+ +\d+ +\d+ +\d+ +(\d+) +(\d+) +(\d+) +(\d+)/gm;

/**
 * Parses /proc/net/dev: two header lines, then `iface: rx_bytes rx_packets
 * rx_errs rx_drop … (8 receive columns) tx_bytes tx_packets tx_errs tx_drop …`.
 * Old kernels glue the first number to the colon (`eth0:123`). Header lines
 * have no colon; a line with too few columns is truncated or not ours.
 */
export function parseNetDev(text: string): Map<string, NetCounters> {
  const counters = new Map<string, NetCounters>();
  for (const m of text.matchAll(NET_DEV_LINE)) {
    counters.set(m[1] ?? '', {
      rxBytes: Number(m[2]),
      rxPackets: Number(m[3]),
      rxErrors: Number(m[4]),
      rxDrops: Number(m[5]),
      txBytes: Number(m[6]),
      txPackets: Number(m[7]),
      txErrors: Number(m[8]),
      txDrops: Number(m[9]),
    });
  }
  return counters;
}

/**
 * Rates between two readings for every interface but loopback (its traffic
 * never leaves the machine): bytes and packets per second, errors and drops
 * as counts since the previous reading. A counter that went down (wrap,
 * driver reset) or an interface that just appeared counts as 0.
 */
export function networkRates(
  prev: ReadonlyMap<string, NetCounters>,
  cur: ReadonlyMap<string, NetCounters>,
  elapsedMs: number,
): NetworkMetrics[] {
  const seconds = elapsedMs / 1000;
  const out: NetworkMetrics[] = [];
  for (const [iface, now] of cur) {
    if (iface === 'lo') continue;
    const before = prev.get(iface);
    const perSec = (key: keyof NetCounters) => rate(before?.[key], now[key], seconds);
    const delta = (key: keyof NetCounters) => (seconds > 0 ? increase(before?.[key], now[key]) : 0);
    out.push({
      iface: clip(iface, 64),
      rxBytesPerSec: perSec('rxBytes'),
      txBytesPerSec: perSec('txBytes'),
      rxPacketsPerSec: perSec('rxPackets'),
      txPacketsPerSec: perSec('txPackets'),
      rxErrors: delta('rxErrors'),
      txErrors: delta('txErrors'),
      rxDrops: delta('rxDrops'),
      txDrops: delta('txDrops'),
    });
  }
  return out;
}

/** How much a cumulative counter grew; 0 for a newcomer or a reset. */
export function increase(before: number | undefined, now: number): number {
  return before === undefined || now < before ? 0 : now - before;
}

/** Growth per second, rounded to two decimals (packet rates on a quiet link are fractional). */
export function rate(before: number | undefined, now: number, seconds: number): number {
  if (seconds <= 0) return 0;
  return Math.round((increase(before, now) / seconds) * 100) / 100;
}
