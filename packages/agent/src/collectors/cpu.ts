import type { MetricSample } from '@labmgr/protocol';
import { round2 } from './limits.js';

/** Cumulative CPU time in jiffies: `busy` of `total`. */
export interface CpuTimes {
  readonly busy: number;
  readonly total: number;
}

export interface ProcStat {
  readonly total: CpuTimes;
  /** Keyed by core number (`cpu3` → 3); offline cores are absent. */
  readonly cores: ReadonlyMap<number, CpuTimes>;
  /** `btime`: boot time in seconds since the epoch. */
  readonly bootTimeSec: number | null;
}

/**
 * Parses /proc/stat. Columns: user nice system idle iowait irq softirq steal
 * guest guest_nice. guest time is already counted in user, so it is left out
 * of the total; idle and iowait are the not-busy part.
 */
export function parseProcStat(text: string): ProcStat {
  let total: CpuTimes = { busy: 0, total: 0 };
  const cores = new Map<number, CpuTimes>();
  let bootTimeSec: number | null = null;
  for (const line of text.split('\n')) {
    // The `intr` and `softirq` lines hold thousands of numbers: skip before splitting.
    if (!line.startsWith('cpu') && !line.startsWith('btime')) continue;
    const [key, ...rest] = line.trim().split(/\s+/);
    if (key === 'cpu') total = toTimes(rest);
    else if (key?.startsWith('cpu')) {
      const id = Number(key.slice(3));
      if (Number.isInteger(id)) cores.set(id, toTimes(rest));
    } else if (key === 'btime') {
      const value = Number(rest[0]);
      bootTimeSec = Number.isFinite(value) ? value : null;
    }
  }
  return { total, cores, bootTimeSec };
}

function toTimes(columns: string[]): CpuTimes {
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = columns
    .slice(0, 8)
    .map((c) => {
      const n = Number(c);
      return Number.isFinite(n) ? n : 0;
    });
  const all = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: all - idle - iowait, total: all };
}

/** Busy share between two readings, 0–100; 0 when no time passed or counters went backwards. */
export function busyPercent(prev: CpuTimes | undefined, cur: CpuTimes): number {
  if (!prev) return 0;
  const total = cur.total - prev.total;
  const busy = cur.busy - prev.busy;
  if (total <= 0 || busy < 0) return 0;
  return round2(Math.min(100, (busy / total) * 100));
}

/** CPU metrics between two /proc/stat readings, per core in core-number order. */
export function cpuMetrics(prev: ProcStat, cur: ProcStat): MetricSample['cpu'] {
  const ids = [...cur.cores.keys()].sort((a, b) => a - b);
  return {
    percent: busyPercent(prev.total, cur.total),
    perCore: ids.flatMap((id) => {
      const now = cur.cores.get(id);
      return now ? [busyPercent(prev.cores.get(id), now)] : [];
    }),
  };
}
