import type { Logger } from 'pino';
import { SideFile, type SideFileName } from './side-file.js';

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

export interface DeadLetterFileOptions {
  /** Rotated to `<path>.1` before it would pass this size (see {@link SideFile}). @default 64 MiB */
  maxBytes?: number | undefined;
  logger?: Logger | undefined;
  /** Told after each rotation (a metric); must not throw. */
  onRotated?: ((name: SideFileName) => void) | undefined;
}

/**
 * Append-only JSON-lines file of refused frames. Each `append` is written and
 * fsynced (the file and, when it was just created or rotated, its folder)
 * before it returns, so a frame is acknowledged to its agent only once it is
 * on disk. Past its size limit the file is rotated (one older generation kept).
 */
export class DeadLetterFile {
  readonly #file: SideFile;

  constructor(
    readonly path: string,
    options: DeadLetterFileOptions = {},
  ) {
    this.#file = new SideFile({ name: 'dead-letter', path, ...options });
  }

  /** Throws when the entries could not be written durably. */
  append(entries: readonly DeadLetter[]): void {
    this.#file.append(entries.map((e) => JSON.stringify(e)));
  }
}
