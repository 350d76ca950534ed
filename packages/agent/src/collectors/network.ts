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
 * Parses /proc/net/dev: two header lines, then `iface: rx_bytes rx_packets
 * rx_errs rx_drop … (8 receive columns) tx_bytes tx_packets tx_errs tx_drop …`.
 * Old kernels glue the first number to the colon (`eth0:123`), hence the
 * split on the colon rather than on spaces.
 */
export function parseNetDev(text: string): Map<string, NetCounters> {
  const counters = new Map<string, NetCounters>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const iface = line.slice(0, colon).trim();
    const c = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (!iface || c.length < 12 || !c.slice(0, 12).every(Number.isFinite)) continue;
    const at = (i: number) => c[i] ?? 0;
    counters.set(iface, {
      rxBytes: at(0),
      rxPackets: at(1),
      rxErrors: at(2),
      rxDrops: at(3),
      txBytes: at(8),
      txPackets: at(9),
      txErrors: at(10),
      txDrops: at(11),
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
