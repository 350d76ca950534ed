import { join } from 'node:path';
import type { ProcessInfo } from '@labmgr/protocol';
import { clip, round2 } from './limits.js';
import { monotonicMs } from './monotonic.js';
import { openFileBudget, PidStatFiles, parsePidStat } from './pid-stat.js';
import { listDir, readText } from './read.js';
import { type Candidate, TopList } from './top-list.js';
import { UserNames } from './user-names.js';

/**
 * Clock ticks per second of /proc/[pid]/stat times (`getconf CLK_TCK`). The
 * kernel's USER_HZ is 100 on every architecture Linux still supports; asking
 * getconf would mean a child process, which the agent never spawns to sample.
 */
export const CLOCK_TICKS = 100;
/** Used when `detectPageSize` cannot tell (x86 and most arm64 kernels use 4 KiB pages). */
export const DEFAULT_PAGE_SIZE = 4096;
export const TOP_N = 10;

/** The effective uid (second of the four `Uid:` numbers), as `ps` and `top` show it. */
export function parseStatusUid(text: string): number | null {
  const match = /^Uid:\s+\d+\s+(\d+)/m.exec(text);
  return match?.[1] ? Number(match[1]) : null;
}

/**
 * Page size from the process's own figures: /proc/self/statm counts resident
 * memory in pages, /proc/self/status in KiB. Avoids assuming 4 KiB on arm64
 * kernels built with 16 or 64 KiB pages, without a child process.
 */
export function detectPageSize(procRoot: string): number {
  const residentPages = Number(readText(join(procRoot, 'self', 'statm'))?.split(' ')[1]);
  const rssKib = Number(/^VmRSS:\s+(\d+)/m.exec(readText(join(procRoot, 'self', 'status')) ?? '')?.[1]);
  if (!(residentPages > 0 && rssKib > 0)) return DEFAULT_PAGE_SIZE;
  const ratio = (rssKib * 1024) / residentPages;
  // The two reads are moments apart: snap to the nearest real page size.
  return [4096, 16384, 65536].reduce((best, size) =>
    Math.abs(Math.log2(size / ratio)) < Math.abs(Math.log2(best / ratio)) ? size : best,
  );
}

/**
 * The share of one core the process walk may use on average: 0.015 %. The
 * walk (a listing of /proc and one read per process: ~1.5–2 ms of CPU for
 * ~110 processes on the 2-core benchmark VM, most of it in the kernel, where
 * each system call after an idle second costs ~10 µs) is the costliest part
 * of a sample, so it runs at most once per `lastWalkCost / WALK_CPU_SHARE`:
 * every sample where it is cheap, every ~10–13 s on that VM, at most every
 * MAX_WALK_INTERVAL_MS on a machine with many processes. Samples in between
 * repeat the last lists and process count; the lists' CPU % covers the time
 * between the last two walks. (0.03 % until issue 13: half the CPU, twice
 * the age of the lists.)
 */
export const WALK_CPU_SHARE = 0.00015;
/** However cheap or costly the walk, the lists are never older than this. */
export const MAX_WALK_INTERVAL_MS = 30_000;

interface Tracked {
  /** The stat file kept open for pread, or -1. */
  fd: number;
  startTicks: number;
  /** utime + stime at the previous walk; null until this process has been read once. */
  ticks: number | null;
  /** The walk that last saw this pid; entries not seen are forgotten. */
  seen: number;
  /** Read from /proc/[pid]/status the first time the pid makes a top list. */
  uid: number | null | undefined;
}

export interface ProcessSnapshot {
  readonly count: number;
  readonly byCpu: readonly ProcessInfo[];
  readonly byMemory: readonly ProcessInfo[];
}

interface Walk {
  /** Monotonic ms. */
  readonly at: number;
  readonly uptimeSec: number;
  /** What the walk itself took, in ms: sets when the next one may run. */
  readonly costMs: number;
  /** False for the first walk, which only takes the baseline (no CPU figures yet). */
  readonly hasRates: boolean;
  readonly snapshot: ProcessSnapshot;
}

/**
 * The process count, the ten busiest processes by CPU (utime+stime growth
 * between two walks, in % of one core) and the ten largest by resident
 * memory. Reads only /proc/[pid]/stat per process, through a descriptor kept
 * open between walks; `status` is read for a pid's owner only when it first
 * makes a top list, and cached. See WALK_CPU_SHARE for how often it walks.
 */
export class ProcessTable {
  private readonly tracked = new Map<number, Tracked>();
  private readonly users: UserNames;
  private readonly files = new PidStatFiles();
  private readonly fdBudget: number;
  private openFds = 0;
  private walks = 0;
  private last: Walk | null = null;

  constructor(
    private readonly procRoot: string,
    etcRoot: string,
    private readonly pageSize = DEFAULT_PAGE_SIZE,
    /** Tests pass 0 to walk on every call. @default WALK_CPU_SHARE */
    private readonly cpuShare = WALK_CPU_SHARE,
  ) {
    this.users = new UserNames(join(etcRoot, 'passwd'));
    this.fdBudget = openFileBudget(readText(join(procRoot, 'self', 'limits')));
  }

  /**
   * `uptimeSec` from /proc/uptime and `now` from the monotonic clock (ms).
   * The first call only takes the baseline: its CPU list is empty.
   */
  sample(uptimeSec: number, now: number): ProcessSnapshot {
    const last = this.last;
    if (last?.hasRates && now - last.at < this.minInterval(last.costMs)) return last.snapshot;
    const started = monotonicMs();
    const walk = ++this.walks;
    const seconds = last ? (now - last.at) / 1000 : 0;
    // A process first seen now that started after the previous walk ran entirely since then.
    const newSinceTicks = last ? last.uptimeSec * CLOCK_TICKS : Number.POSITIVE_INFINITY;
    const byCpu = new TopList(TOP_N, 'cpuPercent', 'rssBytes');
    const byMemory = new TopList(TOP_N, 'rssBytes', 'cpuPercent');
    let count = 0;
    for (const entry of listDir(this.procRoot)) {
      const pid = toPid(entry);
      if (pid === null) continue;
      count += 1;
      let t = this.tracked.get(pid);
      if (!t) {
        t = { fd: -1, startTicks: -1, ticks: null, seen: walk, uid: undefined };
        this.tracked.set(pid, t);
      }
      const length = this.readStat(entry, t);
      const stat = length > 0 ? parsePidStat(this.files.buf, length) : null;
      if (!stat) continue; // exited since the listing: forgotten below
      t.seen = walk;
      if (t.startTicks !== stat.startTicks) {
        t.startTicks = stat.startTicks;
        t.ticks = null;
        t.uid = undefined;
      }
      const delta =
        t.ticks !== null
          ? Math.max(0, stat.ticks - t.ticks)
          : stat.startTicks >= newSinceTicks
            ? stat.ticks
            : 0;
      t.ticks = stat.ticks;
      const figures = {
        cpuPercent: seconds > 0 ? round2((delta / CLOCK_TICKS / seconds) * 100) : 0,
        rssBytes: stat.rssPages * this.pageSize,
      };
      // Only processes that ran at all rank by CPU: an idle machine lists fewer than ten.
      const forCpu = figures.cpuPercent > 0 && byCpu.wants(figures);
      const forMemory = figures.rssBytes > 0 && byMemory.wants(figures);
      if (!forCpu && !forMemory) continue;
      // The name is decoded only here, for the few processes that make a list.
      const candidate = { pid, name: this.files.name(stat), ...figures };
      if (forCpu) byCpu.offer(candidate);
      if (forMemory) byMemory.offer(candidate);
    }
    for (const [pid, t] of this.tracked) if (t.seen !== walk) this.forget(pid, t);
    this.users.refresh(now);
    const snapshot = {
      count,
      byCpu: byCpu.items.map((c) => this.present(c)),
      byMemory: byMemory.items.map((c) => this.present(c)),
    };
    this.last = { at: now, uptimeSec, costMs: monotonicMs() - started, hasRates: seconds > 0, snapshot };
    return snapshot;
  }

  /** Releases every kept descriptor. */
  close(): void {
    for (const [pid, t] of this.tracked) this.forget(pid, t);
  }

  private minInterval(costMs: number): number {
    return this.cpuShare > 0 ? Math.min(MAX_WALK_INTERVAL_MS, costMs / this.cpuShare) : 0;
  }

  /**
   * Reads a pid's stat into the shared buffer: through its kept descriptor
   * when there is one. If that fails, the process behind it has exited (the
   * pid may already belong to another), so the file is opened afresh.
   */
  private readStat(entry: string, t: Tracked): number {
    if (t.fd >= 0) {
      const length = this.files.pread(t.fd);
      if (length > 0) return length;
      this.releaseFd(t);
      t.ticks = null;
    }
    const { fd, length } = this.files.open(`${this.procRoot}/${entry}/stat`, this.openFds < this.fdBudget);
    if (fd >= 0) {
      t.fd = fd;
      this.openFds += 1;
    }
    return length;
  }

  private releaseFd(t: Tracked): void {
    if (t.fd < 0) return;
    this.files.close(t.fd);
    t.fd = -1;
    this.openFds -= 1;
  }

  private forget(pid: number, t: Tracked): void {
    this.releaseFd(t);
    this.tracked.delete(pid);
  }

  private present(c: Candidate): ProcessInfo {
    const t = this.tracked.get(c.pid);
    if (t && t.uid === undefined)
      t.uid = parseStatusUid(readText(`${this.procRoot}/${c.pid}/status`, 'single') ?? '');
    const uid = t?.uid ?? null;
    return {
      pid: c.pid,
      name: clip(c.name, 256),
      user: uid === null ? null : clip(this.users.name(uid), 128),
      cpuPercent: c.cpuPercent,
      rssBytes: c.rssBytes,
    };
  }
}

function toPid(name: string): number | null {
  const code = name.charCodeAt(0);
  if (code < 48 || code > 57) return null;
  const pid = Number(name);
  return Number.isInteger(pid) ? pid : null;
}
