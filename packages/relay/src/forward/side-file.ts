import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';

/** The relay's append-only side files (label of `labmgr_relay_side_file_rotations_total`). */
export const SIDE_FILES = ['dead-letter', 'quarantine'] as const;
export type SideFileName = (typeof SIDE_FILES)[number];

/** A side file is rotated before it would pass this size. */
export const DEFAULT_SIDE_FILE_MAX_BYTES = 64 * 1024 ** 2;
export const MIN_SIDE_FILE_MAX_BYTES = 1024 ** 2;

export interface SideFileOptions {
  /** Which side file (log lines, the metric's label). */
  name: SideFileName;
  path: string;
  /** An append that would take the file past this size goes to a new file. @default 64 MiB */
  maxBytes?: number | undefined;
  /** Where a rotation is logged (warn), and a failed one (error). */
  logger?: Logger | undefined;
  /** Told after each rotation (a metric); must not throw. */
  onRotated?: ((name: SideFileName) => void) | undefined;
}

/**
 * An append-only JSON-lines file with bounded disk use, like logrotate's
 * `size` + `rotate 1`: when an append would take the file past `maxBytes`,
 * the file is first renamed to `<path>.1` (replacing, so discarding, the
 * older generation there) and the append starts a new file. Each append goes
 * whole into one file (one write, one fsync), so a file passes the limit only
 * when a single append is larger than it: then it is written alone in a fresh
 * file. The two generations use at most about twice the limit.
 *
 * Each append is written and fsynced before it returns, and the folder too
 * after the file was created or rotated (its name must be durable as well).
 */
export class SideFile {
  readonly name: SideFileName;
  readonly path: string;
  readonly maxBytes: number;
  readonly #logger: Logger | undefined;
  readonly #onRotated: ((name: SideFileName) => void) | undefined;
  #dirSynced = false;

  constructor(options: SideFileOptions) {
    this.name = options.name;
    this.path = options.path;
    this.maxBytes = options.maxBytes ?? DEFAULT_SIDE_FILE_MAX_BYTES;
    this.#logger = options.logger;
    this.#onRotated = options.onRotated;
  }

  /** Where the previous generation is kept. */
  get rotatedPath(): string {
    return `${this.path}.1`;
  }

  /** Appends each record as one line. Throws when they could not be written durably. */
  append(records: readonly string[]): void {
    if (records.length === 0) return;
    const dir = dirname(this.path);
    if (!this.#dirSynced) mkdirSync(dir, { recursive: true });
    const data = Buffer.from(records.map((r) => `${r}\n`).join(''));
    let fd = openSync(this.path, 'a', 0o600);
    try {
      const size = fstatSync(fd).size;
      if (size > 0 && size + data.length > this.maxBytes) {
        closeSync(fd);
        fd = -1;
        this.#rotate(size);
        fd = openSync(this.path, 'a', 0o600);
      }
      let offset = 0;
      while (offset < data.length) offset += writeSync(fd, data, offset);
      fsyncSync(fd);
    } finally {
      if (fd !== -1) closeSync(fd);
    }
    if (!this.#dirSynced) {
      syncFolder(dir);
      this.#dirSynced = true;
    }
  }

  /**
   * Renames the file to `.1`. When that fails the append still goes to the
   * current file (past the limit): keeping the records matters more than the
   * bound, and a refused dead letter would hold up the whole ingest queue.
   */
  #rotate(size: number): void {
    let discardedBytes: number | undefined;
    try {
      discardedBytes = statSync(this.rotatedPath).size;
    } catch {
      // No older generation yet.
    }
    try {
      renameSync(this.path, this.rotatedPath);
    } catch (err) {
      this.#logger?.error(
        { err, file: this.name, path: this.path, bytes: size, maxBytes: this.maxBytes },
        `${this.name} file: cannot rotate it; appending past its size limit`,
      );
      return;
    }
    // The new file's name and the rename are made durable by the folder's fsync after the write.
    this.#dirSynced = false;
    this.#logger?.warn(
      {
        file: this.name,
        path: this.path,
        rotatedTo: this.rotatedPath,
        bytes: size,
        maxBytes: this.maxBytes,
        ...(discardedBytes === undefined ? {} : { discardedBytes }),
      },
      discardedBytes === undefined
        ? `${this.name} file rotated at its size limit: renamed to ${this.rotatedPath}`
        : `${this.name} file rotated at its size limit: renamed to ${this.rotatedPath}, its older generation there discarded`,
    );
    try {
      this.#onRotated?.(this.name);
    } catch {
      // A metric only.
    }
  }
}

/** Some platforms cannot fsync a folder: the file's own fsync is what they offer. */
function syncFolder(dir: string): void {
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw err;
  }
}
