/**
 * What the footprint benchmark reads about a process from /proc, so every
 * process (agent and peers) is measured the same way, from outside.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: /proc/[pid]/stat times are in 1/100 s on every Linux architecture in use. */
export const CLOCK_TICKS = 100;
const MiB = 1024 * 1024;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * utime + stime of a process, plus cutime + cstime (its waited-for children)
 * when `withChildren`, in clock ticks; null once it has exited.
 */
export function cpuTicks(pid: number, withChildren: boolean): number | null {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return null;
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // proc(5) fields 14–17 are at 11–14 once fields 1–2 are cut off.
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(f[i] ?? 0));
  return (utime ?? 0) + (stime ?? 0) + (withChildren ? (cutime ?? 0) + (cstime ?? 0) : 0);
}

/**
 * Time on CPU of every live thread of a process in nanoseconds, from
 * /proc/[pid]/task/[tid]/schedstat (the scheduler's own accounting, not
 * sampled in clock ticks), so that differences far below one 10 ms tick
 * over a minute show; null once it has exited. Threads that ended during a
 * window take their time with them (the processes measured here keep theirs).
 */
export function runtimeNs(pid: number): number | null {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let total = 0;
  for (const tid of tasks) total += Number((read(`/proc/${pid}/task/${tid}/schedstat`) ?? '0').split(' ')[0]);
  return total;
}

/** VmRSS and RssAnon (private, anonymous memory) in bytes. */
export function memory(pid: number): { rss: number; anon: number } | null {
  const text = read(`/proc/${pid}/status`);
  if (!text) return null;
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kib('VmRSS'), anon: kib('RssAnon') };
}

/** Direct children of every thread of a process (needs CONFIG_PROC_CHILDREN, standard on distributions). */
export function children(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((tid) =>
    (read(`/proc/${pid}/task/${tid}/children`) ?? '').split(' ').filter(Boolean).map(Number),
  );
}

export interface Footprint {
  name: string;
  cpuPercent: number;
  cpuSeconds: number;
  /** The same from the scheduler's nanosecond accounting, own threads only (no children). */
  cpuPercentPrecise: number;
  rssMeanMiB: number;
  rssMaxMiB: number;
  anonMeanMiB: number;
  anonMaxMiB: number;
  /** Distinct child pids seen during the window (polled every 100 ms). */
  childrenSeen: number;
}

/** CPU over a window and memory polled during it, for one process. */
export class Meter {
  private startTicks = 0;
  private startNs = 0;
  private startAt = 0;
  private readonly rss: number[] = [];
  private readonly anon: number[] = [];
  private readonly kids = new Set<number>();

  constructor(
    readonly name: string,
    readonly pid: number,
    private readonly withChildren = true,
  ) {}

  start(): void {
    this.startTicks = cpuTicks(this.pid, this.withChildren) ?? 0;
    this.startNs = runtimeNs(this.pid) ?? 0;
    this.startAt = performance.now();
  }

  /** Called every 100 ms: children, and memory (so a short peak is not missed). */
  poll(): void {
    for (const kid of children(this.pid)) this.kids.add(kid);
    const m = memory(this.pid);
    if (!m) return;
    this.rss.push(m.rss);
    this.anon.push(m.anon);
  }

  finish(): Footprint {
    const ticks = cpuTicks(this.pid, this.withChildren);
    const ns = runtimeNs(this.pid);
    if (ticks === null || ns === null)
      throw new Error(`${this.name} (pid ${this.pid}) exited during the measurement`);
    const seconds = (performance.now() - this.startAt) / 1000;
    const cpuSeconds = (ticks - this.startTicks) / CLOCK_TICKS;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length) / MiB;
    const max = (xs: number[]) => Math.max(0, ...xs) / MiB;
    return {
      name: this.name,
      cpuPercent: (cpuSeconds / seconds) * 100,
      cpuSeconds,
      cpuPercentPrecise: ((ns - this.startNs) / 1e9 / seconds) * 100,
      rssMeanMiB: mean(this.rss),
      rssMaxMiB: max(this.rss),
      anonMeanMiB: mean(this.anon),
      anonMaxMiB: max(this.anon),
      childrenSeen: this.kids.size,
    };
  }
}

/** Peak memory of one stretch of a process's life. */
export interface MemoryPeak {
  rssMaxMiB: number;
  anonMaxMiB: number;
  /** Seconds after spawn of the highest RSS reading. */
  rssMaxAtSec: number;
  readings: number;
}

/**
 * RSS and RssAnon of a process from the moment it was spawned, read every
 * `everyMs` (a timer of its own, so it keeps going while the benchmark
 * waits for the first sample): "from the first second" is the peak of the
 * first `startupSec` seconds, reported apart from the steady state.
 */
export class MemoryTrace {
  private readonly spawnedAt = performance.now();
  private readonly points: Array<{ t: number; rss: number; anon: number }> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    everyMs = 100,
  ) {
    this.read();
    this.timer = setInterval(() => this.read(), everyMs);
  }

  /** Seconds since spawn. */
  get ageSec(): number {
    return (performance.now() - this.spawnedAt) / 1000;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Peak over [fromSec, toSec) after spawn. */
  peak(fromSec: number, toSec: number): MemoryPeak {
    let rss = 0;
    let anon = 0;
    let at = 0;
    let readings = 0;
    for (const p of this.points) {
      if (p.t < fromSec || p.t >= toSec) continue;
      readings += 1;
      if (p.rss > rss) {
        rss = p.rss;
        at = p.t;
      }
      anon = Math.max(anon, p.anon);
    }
    return { rssMaxMiB: rss / MiB, anonMaxMiB: anon / MiB, rssMaxAtSec: at, readings };
  }

  private read(): void {
    const m = memory(this.pid);
    if (m) this.points.push({ t: this.ageSec, ...m });
  }
}

/** The 1-minute load average. */
export function loadAverage1(): number {
  return Number((read('/proc/loadavg') ?? '0').split(' ')[0]);
}

/** Busy and total jiffies of the whole machine (all cores), from the first line of /proc/stat. */
export function machineJiffies(): { busy: number; total: number } {
  const f = (read('/proc/stat') ?? '').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  // idle and iowait are not busy.
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
}

/**
 * The peer's binary, installing its Debian package when missing (apt-get,
 * as a lab admin would). Returns null, with the reason printed, when that is
 * not possible, so the benchmark still measures the agent.
 */
export function ensureDebianPackage(bin: string, pkg: string): string | null {
  if (existsSync(bin)) return bin;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { env, stdio: 'ignore' });
  console.log(`installing ${pkg} (apt-get)…`);
  let r = install();
  if (r.status !== 0) {
    // A fresh machine may have no package lists yet, or stale ones.
    console.log('  apt-get install failed; apt-get update and one more try…');
    spawnSync('apt-get', ['update'], { env, stdio: 'ignore' });
    r = install();
  }
  if (r.status === 0 && existsSync(bin)) return bin;
  console.log(`  ${pkg} unavailable (apt-get exit ${r.status ?? r.error?.message}); measured without it`);
  return null;
}
