import {
  closeSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type DamageReason, verifyRecord } from './spool-record.js';

/**
 * One spool file: one record per line, named by a number so that sorting the
 * names sorts the files in queue order. `seg-<n>.crc.jsonl` holds checksummed
 * records (see `spool-record.ts`); `seg-<n>.jsonl`, written by relays before
 * checksums, holds bare JSON lines and is still read (without a check).
 */
export interface SegmentFile {
  path: string;
  number: number;
  /** Records carry a checksum (every segment this version writes). */
  checksummed: boolean;
  /** Size on disk. */
  bytes: number;
  /** Lines, a torn last line included (it is found out and dropped when read). */
  items: number;
}

/**
 * Number of the first segment of an empty spool. Far from 0 so that a
 * segment can always be put in front of the existing ones (number - 1).
 */
export const FIRST_SEGMENT_NUMBER = 1_000_000_000_000;

const NAME = /^seg-(\d{16})(\.crc)?\.jsonl$/;

/** Path of segment `number`: checksummed unless `legacy` (the format of relays before checksums). */
export function segmentPath(dir: string, number: number, legacy = false): string {
  return join(dir, `seg-${String(number).padStart(16, '0')}${legacy ? '' : '.crc'}.jsonl`);
}

/**
 * The segments in `dir`, oldest first. Removes what an interrupted run left
 * that holds nothing: empty segments and half-written `.tmp` files.
 */
export function listSegments(dir: string): SegmentFile[] {
  const segments: SegmentFile[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name.endsWith('.tmp')) {
      unlinkSync(path);
      continue;
    }
    const match = NAME.exec(name);
    if (!match?.[1]) continue;
    const bytes = statSync(path).size;
    if (bytes === 0) {
      unlinkSync(path);
      continue;
    }
    segments.push({
      path,
      number: Number(match[1]),
      checksummed: match[2] !== undefined,
      bytes,
      items: countLines(path),
    });
  }
  return segments.sort((a, b) => a.number - b.number);
}

/** Lines in a file, counting a last line without its newline; read in chunks, not whole. */
function countLines(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    let lines = 0;
    let last = 0x0a;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      for (let i = buf.indexOf(0x0a); i !== -1 && i < n; i = buf.indexOf(0x0a, i + 1)) lines += 1;
      last = buf[n - 1] ?? last;
    }
    return last === 0x0a ? lines : lines + 1;
  } finally {
    closeSync(fd);
  }
}

/** A line of a segment that was not replayed, with where it was. */
export interface DamagedRecord {
  /** File name of the segment (not its path). */
  segment: string;
  /** Byte offset of the line in the segment. */
  offset: number;
  reason: DamageReason;
  /** The line as it was on disk, newline excluded. */
  line: Buffer;
}

/** What a segment held: the items that decoded, their weights, and the lines that did not. */
export interface SegmentContent<T> {
  items: T[];
  /** Length in bytes of each item's line, index for index with `items`. */
  weights: number[];
  damaged: DamagedRecord[];
}

export async function readSegment<T>(
  segment: Pick<SegmentFile, 'path' | 'checksummed'>,
  decode: (text: string) => T | undefined,
): Promise<SegmentContent<T>> {
  return parseSegment(await readFile(segment.path), decode, {
    name: basename(segment.path),
    checksummed: segment.checksummed,
  });
}

/**
 * Splits a segment into items. A line whose checksum does not match, that is
 * cut short (a crash mid-write) or that is not JSON or not an item is
 * returned in `damaged` with its byte offset, never thrown and never decoded
 * into an item.
 */
export function parseSegment<T>(
  bytes: Buffer,
  decode: (text: string) => T | undefined,
  segment: { name: string; checksummed: boolean },
): SegmentContent<T> {
  const content: SegmentContent<T> = { items: [], weights: [], damaged: [] };
  let offset = 0;
  while (offset < bytes.length) {
    const newline = bytes.indexOf(0x0a, offset);
    const end = newline === -1 ? bytes.length : newline;
    const line = bytes.subarray(offset, end);
    const at = offset;
    offset = end + 1;
    if (line.length === 0) continue;
    const damaged = (reason: DamageReason) =>
      content.damaged.push({ segment: segment.name, offset: at, reason, line: Buffer.from(line) });
    let json: string | undefined;
    if (segment.checksummed) {
      json = verifyRecord(line);
      if (json === undefined) {
        damaged(newline === -1 ? 'torn' : 'checksum');
        continue;
      }
    } else {
      json = line.toString('utf8');
    }
    let item: T | undefined;
    try {
      item = decode(json);
    } catch {
      item = undefined;
    }
    if (item === undefined) {
      damaged(newline === -1 && !segment.checksummed ? 'torn' : 'invalid');
    } else {
      content.items.push(item);
      content.weights.push(line.length);
    }
  }
  return content;
}

/** Appends lines to one segment with synchronous writes, so a failure is known before an item is accepted. */
export class SegmentWriter {
  readonly #fd: number;

  constructor(readonly path: string) {
    this.#fd = openSync(path, 'a');
  }

  /**
   * Appends `line` to a file now `size` bytes long. On failure the file is
   * cut back to `size`, so no torn line is left in the middle of the spool.
   */
  append(line: Buffer, size: number): void {
    try {
      let offset = 0;
      while (offset < line.length) offset += writeSync(this.#fd, line, offset);
    } catch (err) {
      try {
        ftruncateSync(this.#fd, size);
      } catch {
        // Already failing; the reader skips a torn line anyway.
      }
      throw err;
    }
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/** Writes a whole segment at once, under a temporary name until complete. */
export function writeSegment(path: string, records: Buffer): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, records);
  renameSync(tmp, path);
}
