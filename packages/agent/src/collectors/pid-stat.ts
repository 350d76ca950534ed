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

const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const ZERO = 0x30;
const NINE = 0x39;
/** utime, stime, starttime, rss (proc(5) numbering, from 1). */
const WANTED = [14, 15, 22, 24] as const;

/**
 * Parses /proc/[pid]/stat straight from its bytes: no string per field and
 * none for the line, since this runs for every process on every sample.
 * `comm` (field 2) is in parentheses and may itself contain spaces and
 * parentheses, so fields are counted from the last `)`.
 */
export function parsePidStat(buf: Uint8Array, length: number): PidStat | null {
  const open = buf.indexOf(OPEN_PAREN);
  const close = buf.lastIndexOf(CLOSE_PAREN, length - 1);
  if (open < 0 || close < open) return null;
  const values: number[] = [];
  let field = 3;
  let value = 0;
  let digits = 0;
  for (let i = close + 2; i <= length && values.length < WANTED.length; i++) {
    const b = i < length ? (buf[i] ?? SPACE) : SPACE;
    if (b === SPACE || b === NEWLINE) {
      if (field === WANTED[values.length]) {
        if (digits === 0) return null;
        values.push(value);
      }
      field += 1;
      value = 0;
      digits = 0;
    } else if (b >= ZERO && b <= NINE) {
      value = value * 10 + (b - ZERO);
      digits += 1;
    }
  }
  const [utime, stime, startTicks, rssPages] = values;
  if (utime === undefined || stime === undefined || startTicks === undefined || rssPages === undefined)
    return null;
  return { ticks: utime + stime, startTicks, rssPages, nameStart: open + 1, nameEnd: close };
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
