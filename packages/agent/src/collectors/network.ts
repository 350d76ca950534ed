import type { NetworkMetrics } from '@labmgr/protocol';
import { clip } from './limits.js';
import { forEachLine, scanNumbers } from './scan.js';

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
 * Parses /proc/net/dev: two header lines, then `iface: rx_bytes rx_packets
 * rx_errs rx_drop … (8 receive columns) tx_bytes tx_packets tx_errs tx_drop …`.
 * Old kernels glue the first number to the colon (`eth0:123`), hence the
 * split on the colon rather than on spaces.
 */
export function parseNetDev(text: string): Map<string, NetCounters> {
  const counters = new Map<string, NetCounters>();
  const c: number[] = [];
  forEachLine(text, (start, end) => {
    const colon = text.indexOf(':', start);
    if (colon < 0 || colon >= end) return;
    const iface = text.slice(start, colon).trim();
    // Header lines have no colon; a line with too few columns is truncated or not ours.
    if (!iface || scanNumbers(text, colon + 1, end, c).length < 12) return;
    counters.set(iface, {
      rxBytes: c[0] ?? 0,
      rxPackets: c[1] ?? 0,
      rxErrors: c[2] ?? 0,
      rxDrops: c[3] ?? 0,
      txBytes: c[8] ?? 0,
      txPackets: c[9] ?? 0,
      txErrors: c[10] ?? 0,
      txDrops: c[11] ?? 0,
    });
  });
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
