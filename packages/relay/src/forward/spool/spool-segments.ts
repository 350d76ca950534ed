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
import { join } from 'node:path';

/**
 * One spool file: JSON lines, one item per line, named by a number so that
 * sorting the names sorts the files in queue order.
 */
export interface SegmentFile {
  path: string;
  number: number;
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

const NAME = /^seg-(\d{16})\.jsonl$/;

export function segmentPath(dir: string, number: number): string {
  return join(dir, `seg-${String(number).padStart(16, '0')}.jsonl`);
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
    segments.push({ path, number: Number(match[1]), bytes, items: countLines(path) });
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

/** What a segment held: the items that decoded, their weights, and how many lines did not. */
export interface SegmentContent<T> {
  items: T[];
  /** Length of each item's line, index for index with `items`. */
  weights: number[];
  damaged: number;
}

export async function readSegment<T>(
  path: string,
  decode: (value: unknown) => T | undefined,
): Promise<SegmentContent<T>> {
  return parseSegment((await readFile(path)).toString('utf8'), decode);
}

/**
 * Splits a segment into items. A line that is not JSON or not an item (a
 * write cut short by a crash, or a damaged disk) is counted, never thrown.
 */
export function parseSegment<T>(text: string, decode: (value: unknown) => T | undefined): SegmentContent<T> {
  const content: SegmentContent<T> = { items: [], weights: [], damaged: 0 };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let item: T | undefined;
    try {
      item = decode(JSON.parse(line));
    } catch {
      item = undefined;
    }
    if (item === undefined) {
      content.damaged += 1;
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
export function writeSegment(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
