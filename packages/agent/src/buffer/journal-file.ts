import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

const CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * The journal file itself: appends of whole lines, reads by offset, the
 * compaction rewrite and flushing. Synchronous on purpose: appends are a few
 * KiB into the page cache, and the store's contract (`push`, `firstAfter`)
 * is synchronous. Only the periodic flush, which may wait on the disk, runs
 * in the background.
 */
export class JournalHandle {
  private unsynced = false;
  private syncing = false;
  private retired: number[] = [];

  private constructor(
    readonly path: string,
    private fd: number,
    private bytes: number,
  ) {}

  /**
   * Opens (creating it, mode 0600) and calls `onLine` for every complete
   * line. A torn last line (a write cut short by a crash) is cut off; its
   * length is returned so the caller can log it.
   */
  static open(
    path: string,
    onLine: (text: string, offset: number, length: number) => void,
  ): { handle: JournalHandle; tornBytes: number } {
    const fd = openSync(path, 'a+', 0o600);
    const validEnd = forEachLine(fd, onLine);
    const tornBytes = fstatSync(fd).size - validEnd;
    if (tornBytes > 0) ftruncateSync(fd, validEnd);
    return { handle: new JournalHandle(path, fd, validEnd), tornBytes };
  }

  get size(): number {
    return this.bytes;
  }

  /**
   * Appends whole lines (`bytes`: their UTF-8 length, when the caller knows it).
   * The text goes to the kernel as it is, without a Buffer made for it first.
   * On failure (disk full, I/O error) cuts any partial line off again and throws.
   */
  append(text: string, bytes = Buffer.byteLength(text)): void {
    try {
      let written = writeSync(this.fd, text);
      if (written < bytes) {
        // A short write (rare on a regular file): the rest from a buffer, where an offset means bytes.
        const data = Buffer.from(text, 'utf8');
        while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
      }
    } catch (err) {
      try {
        ftruncateSync(this.fd, this.bytes);
      } catch {
        // Replay cuts a torn line off anyway.
      }
      throw err;
    }
    this.bytes += bytes;
    this.unsynced = true;
  }

  /** The `length` bytes at `offset`, as text. */
  read(offset: number, length: number): string {
    const buffer = Buffer.allocUnsafe(length);
    for (let read = 0; read < length; ) {
      const n = readSync(this.fd, buffer, read, length - read, offset + read);
      if (n === 0) throw new Error(`journal shorter than expected at offset ${offset}`);
      read += n;
    }
    return buffer.toString('utf8');
  }

  /**
   * Replaces the file by its bytes from `from` on plus `tail`: written to a
   * temporary file, fsynced, renamed over the journal (atomic), directory
   * fsynced. Offsets of kept lines move down by `from`.
   */
  rewrite(from: number, tail: string): void {
    const tmp = `${this.path}.tmp`;
    const out = openSync(tmp, 'w', 0o600);
    try {
      copyRange(this.fd, from, this.bytes, out);
      const data = Buffer.from(tail, 'utf8');
      for (let written = 0; written < data.length; ) written += writeSync(out, data, written);
      fdatasyncSync(out);
      closeSync(out);
      renameSync(tmp, this.path);
    } catch (err) {
      try {
        closeSync(out);
      } catch {
        // Already closed.
      }
      rmSync(tmp, { force: true });
      throw err;
    }
    syncDir(dirname(this.path));
    this.retire(this.fd);
    this.fd = openSync(this.path, 'a+', 0o600);
    this.bytes = this.bytes - from + Buffer.byteLength(tail);
  }

  /** Starts an fdatasync in the background if anything was appended since the last one. */
  syncInBackground(onError: (err: Error) => void): void {
    if (!this.unsynced || this.syncing) return;
    this.syncing = true;
    this.unsynced = false;
    fdatasync(this.fd, (err) => {
      this.syncing = false;
      if (err) onError(err);
      for (const fd of this.retired.splice(0)) closeSync(fd);
    });
  }

  /** Flushes and closes. */
  close(): void {
    try {
      fdatasyncSync(this.fd);
    } finally {
      this.retire(this.fd);
    }
  }

  /** Closes a replaced descriptor, after the background flush that may still use it. */
  private retire(fd: number): void {
    if (this.syncing) this.retired.push(fd);
    else closeSync(fd);
  }
}

/**
 * Calls `onLine` for every complete line (text without its newline, byte
 * offset, byte length including the newline), reading 1 MiB at a time so a
 * large journal never sits in memory whole. Returns the offset just after
 * the last newline.
 */
function forEachLine(fd: number, onLine: (text: string, offset: number, length: number) => void): number {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let carry: Buffer = Buffer.alloc(0);
  let carryOffset = 0;
  for (let position = 0; ; ) {
    const n = readSync(fd, chunk, 0, CHUNK_BYTES, position);
    if (n === 0) break;
    const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    let lineStart = 0;
    for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE, lineStart)) {
      onLine(data.toString('utf8', lineStart, nl), carryOffset + lineStart, nl + 1 - lineStart);
      lineStart = nl + 1;
    }
    // Copy the partial line: `chunk` is reused by the next read.
    carry = Buffer.from(data.subarray(lineStart));
    carryOffset += lineStart;
    position += n;
  }
  return carryOffset;
}

function copyRange(from: number, start: number, end: number, to: number): void {
  const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(end - start, 1)));
  for (let pos = start; pos < end; ) {
    const n = readSync(from, chunk, 0, Math.min(chunk.length, end - pos), pos);
    if (n === 0) throw new Error(`journal shorter than expected at offset ${pos}`);
    for (let written = 0; written < n; ) written += writeSync(to, chunk, written, n - written);
    pos += n;
  }
}

/** So a rename survives a power cut; some filesystems cannot fsync a directory, which is fine. */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The rename itself is still atomic.
  }
}
