import { closeSync, openSync, readSync } from 'node:fs';

/** What one /proc/[pid]/stat line says that the top lists need. */
export interface PidStat {
  /** utime + stime, in clock ticks. */
  readonly ticks: number;
  /** When the process started, in clock ticks after boot (tells a reused pid apart). */
  readonly startTicks: number;
  readonly rssPages: number;
  /** Where `comm` lies in the buffer: decoded only for processes that make a top list. */
  readonly nameStart: number;
  readonly nameEnd: number;
}

/**
 * The line after `comm`, matched from just past its `) ` (sticky), field 3
 * on (proc(5) numbering, from 1): 11 fields skipped, utime (14) and stime
 * (15), 6 skipped, starttime (22), one skipped, rss (24).
 */
const AFTER_COMM = /(?:\S+ ){11}(\d+) (\d+) (?:\S+ ){6}(\d+) \S+ (\d+)/y;

/**
 * Parses /proc/[pid]/stat from its bytes; `comm` (field 2) stays undecoded.
 * `comm` is in parentheses and may itself contain spaces and parentheses, so
 * fields are counted from the last `)`. The line is decoded as latin1 (one
 * char per byte, so string offsets are byte offsets) and matched by one
 * regular expression, which V8 runs as machine code: this runs for every
 * process on every walk, and the agent's own JavaScript is interpreted
 * (bin/labmgr-agent.js), where a loop over the bytes cost ~7 times as much.
 */
export function parsePidStat(buf: Buffer, length: number): PidStat | null {
  const line = buf.toString('latin1', 0, length);
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  AFTER_COMM.lastIndex = close + 2;
  const m = AFTER_COMM.exec(line);
  if (!m) return null;
  return {
    ticks: Number(m[1]) + Number(m[2]),
    startTicks: Number(m[3]),
    rssPages: Number(m[4]),
    nameStart: open + 1,
    nameEnd: close,
  };
}

/**
 * Reads /proc/[pid]/stat files into one reused buffer. A file can be kept
 * open and re-read with pread from offset 0 (one system call instead of
 * open + read + close, which halves the cost of the process walk); the
 * caller owns such descriptors. An open descriptor stays bound to its
 * process: once that exits, reads fail (ESRCH) even if the pid is reused.
 */
export class PidStatFiles {
  readonly buf = Buffer.allocUnsafe(4096);

  /** Bytes read through an open descriptor, or -1 if the process behind it is gone. */
  pread(fd: number): number {
    try {
      return readSync(fd, this.buf, 0, this.buf.length, 0);
    } catch {
      return -1;
    }
  }

  /** Opens a pid's stat file and reads it once; `fd` is -1 if it could not be opened. */
  open(path: string, keepOpen: boolean): { fd: number; length: number } {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return { fd: -1, length: -1 };
    }
    const length = this.pread(fd);
    if (keepOpen && length > 0) return { fd, length };
    closeSync(fd);
    return { fd: -1, length };
  }

  close(fd: number): void {
    if (fd < 0) return;
    try {
      closeSync(fd);
    } catch {
      // Already closed: nothing to release.
    }
  }

  name(stat: PidStat): string {
    return this.buf.toString('utf8', stat.nameStart, stat.nameEnd);
  }
}

/**
 * How many stat files the walk may keep open: a quarter of the soft
 * RLIMIT_NOFILE (Node raises it to the hard limit at start-up), at most
 * 4096, so sockets and the state files never run short. Beyond that, pids
 * are read with open + read + close.
 */
export function openFileBudget(limitsText: string | null): number {
  const soft = Number(/^Max open files\s+(\d+)/m.exec(limitsText ?? '')?.[1]);
  return Number.isFinite(soft) && soft > 0 ? Math.min(4096, Math.floor(soft / 4)) : 256;
}
