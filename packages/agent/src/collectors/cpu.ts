import type { CpuMetrics, CpuTimes } from '@labmgr/protocol';
import { round2 } from './limits.js';

/**
 * Cumulative CPU time of one CPU line of /proc/stat, in clock ticks, folded
 * into the states the protocol reports. `total` is their sum.
 */
export interface CpuJiffies {
  readonly user: number;
  readonly system: number;
  readonly iowait: number;
  readonly idle: number;
  readonly steal: number;
  readonly total: number;
}

export interface ProcStat {
  readonly total: CpuJiffies;
  /** Keyed by core number (`cpu3` → 3); offline cores are absent. */
  readonly cores: ReadonlyMap<number, CpuJiffies>;
  /** `btime`: boot time in seconds since the epoch. */
  readonly bootTimeSec: number | null;
}

const ZERO: CpuJiffies = { user: 0, system: 0, iowait: 0, idle: 0, steal: 0, total: 0 };

/**
 * One leading `cpu` line of /proc/stat, matched where the previous one ended
 * (sticky): the core number (empty for the total) and up to eight columns.
 */
const CPU_LINE =
  /cpu(\d*) +(\d+)(?: (\d+))?(?: (\d+))?(?: (\d+))?(?: (\d+))?(?: (\d+))?(?: (\d+))?(?: (\d+))?[^\n]*\n?/y;

/**
 * Parses /proc/stat. Columns: user nice system idle iowait irq softirq steal
 * guest guest_nice. guest time is already counted in user (and guest_nice in
 * nice), so the last two are left out of the total. Only the leading `cpu`
 * lines and `btime` are read: the file's `intr` line alone can hold
 * thousands of numbers, and this runs every sample. Regular expressions
 * rather than a loop over characters: V8 runs them as machine code, while
 * the agent's own code is interpreted (bin/labmgr-agent.js).
 */
export function parseProcStat(text: string): ProcStat {
  let total = ZERO;
  const cores = new Map<number, CpuJiffies>();
  CPU_LINE.lastIndex = 0;
  for (let m = CPU_LINE.exec(text); m !== null; m = CPU_LINE.exec(text)) {
    const n = (i: number) => Number(m?.[i] ?? 0);
    const folded = jiffies(n(2) + n(3), n(4) + n(7) + n(8), n(6), n(5), n(9));
    if (m[1] === '') total = folded;
    else cores.set(Number(m[1]), folded);
  }
  const at = text.indexOf('btime ', CPU_LINE.lastIndex);
  const btime = at < 0 ? Number.NaN : Number.parseInt(text.slice(at + 6, at + 26), 10);
  return { total, cores, bootTimeSec: Number.isFinite(btime) ? btime : null };
}

export function jiffies(
  user: number,
  system: number,
  iowait: number,
  idle: number,
  steal: number,
): CpuJiffies {
  return { user, system, iowait, idle, steal, total: user + system + iowait + idle + steal };
}

/** Busy share between two readings, 0–100; 0 when no time passed or counters went backwards. */
export function busyPercent(prev: CpuJiffies | undefined, cur: CpuJiffies): number {
  if (!prev) return 0;
  const total = cur.total - prev.total;
  const busy = cur.total - cur.idle - cur.iowait - (prev.total - prev.idle - prev.iowait);
  if (total <= 0 || busy < 0) return 0;
  return round2(Math.min(100, (busy / total) * 100));
}

const IDLE_TIMES: CpuTimes = { user: 0, system: 0, iowait: 0, idle: 100, steal: 0 };

/**
 * Share of each state between two readings. A counter that went backwards
 * (a core taken offline and back, which resets its line) counts as 0, and an
 * interval without ticks (no previous reading) reads as idle.
 */
export function stateShares(prev: CpuJiffies | undefined, cur: CpuJiffies): CpuTimes {
  if (!prev) return IDLE_TIMES;
  const user = Math.max(0, cur.user - prev.user);
  const system = Math.max(0, cur.system - prev.system);
  const iowait = Math.max(0, cur.iowait - prev.iowait);
  const idle = Math.max(0, cur.idle - prev.idle);
  const steal = Math.max(0, cur.steal - prev.steal);
  const total = user + system + iowait + idle + steal;
  if (total <= 0) return IDLE_TIMES;
  const share = (ticks: number) => round2(Math.min(100, (ticks / total) * 100));
  return {
    user: share(user),
    system: share(system),
    iowait: share(iowait),
    idle: share(idle),
    steal: share(steal),
  };
}

/** CPU metrics between two readings of all cores together and of each core, in core order. */
export function cpuMetricsFrom(
  prevTotal: CpuJiffies | undefined,
  curTotal: CpuJiffies,
  cores: ReadonlyArray<readonly [CpuJiffies | undefined, CpuJiffies]>,
): CpuMetrics {
  return {
    percent: busyPercent(prevTotal, curTotal),
    perCore: cores.map(([prev, cur]) => busyPercent(prev, cur)),
    times: stateShares(prevTotal, curTotal),
    perCoreTimes: cores.map(([prev, cur]) => stateShares(prev, cur)),
  };
}

/** CPU metrics between two /proc/stat readings, per core in core-number order. */
export function cpuMetrics(prev: ProcStat, cur: ProcStat): CpuMetrics {
  const ids = [...cur.cores.keys()].sort((a, b) => a - b);
  const pairs = ids.flatMap((id): Array<readonly [CpuJiffies | undefined, CpuJiffies]> => {
    const now = cur.cores.get(id);
    return now ? [[prev.cores.get(id), now]] : [];
  });
  return cpuMetricsFrom(prev.total, cur.total, pairs);
}
