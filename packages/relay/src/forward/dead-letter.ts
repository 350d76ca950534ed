import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** One agent frame the backend refused, as kept in the dead-letter file. */
export interface DeadLetter {
  /** When the relay gave up on it (ISO 8601). */
  at: string;
  relayId: string;
  computerId: string;
  /** Frame type (`metrics`, `inventory`, ...) and its `seq` when it has one. */
  type: string | undefined;
  seq: number | undefined;
  receivedAt: number;
  /** HTTP status of the refusal, when there was one. */
  status: number | undefined;
  /** Why: the relay's summary and the start of the backend's answer. */
  reason: string;
  body: string | undefined;
  /** The frame exactly as the agent sent it (JSON text). */
  frame: string;
}

/**
 * Append-only JSON-lines file of refused frames. Each `append` is written and
 * fsynced (the file and, when it was just created, its folder) before it
 * returns, so a frame is acknowledged to its agent only once it is on disk.
 */
export class DeadLetterFile {
  #dirSynced = false;

  constructor(readonly path: string) {}

  /** Throws when the entries could not be written durably. */
  append(entries: readonly DeadLetter[]): void {
    if (entries.length === 0) return;
    const dir = dirname(this.path);
    if (!this.#dirSynced) mkdirSync(dir, { recursive: true });
    const data = Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const fd = openSync(this.path, 'a', 0o600);
    try {
      let offset = 0;
      while (offset < data.length) offset += writeSync(fd, data, offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (!this.#dirSynced) {
      // The file's name in its folder must be durable too, the first time.
      // (Some platforms cannot fsync a folder: the file's own fsync is what they offer.)
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
      this.#dirSynced = true;
    }
  }
}
