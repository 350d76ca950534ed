import { join } from 'node:path';
import type { Logger } from '../logging/logger.js';
import { asRecord, ensurePrivateDir, readJsonFile, writeFileAtomic } from '../state/files.js';

export const SEQ_FILE = 'seq.json';
/** @default 1000 — one disk write per 1000 samples (about 17 min at 1 sample/s). */
export const DEFAULT_SEQ_BLOCK = 1000;

export interface SeqAllocatorOptions {
  /** @default 1000 */
  readonly blockSize?: number;
  readonly log?: Logger;
  /** Clock for the damaged-file fallback. @default Date.now */
  readonly now?: () => number;
}

/**
 * Hands out sample sequence numbers that only ever grow, also across restarts:
 * the backend de-duplicates by (computer, seq), so a reused number would make
 * it discard a real sample.
 *
 * Before a number is issued it is covered by a reservation persisted in
 * `seq.json` (`{"reservedUpTo": N}`). A restart continues after `N`, skipping
 * whatever the previous process had reserved but not used; gaps are harmless,
 * reuse is not.
 */
export class SeqAllocator {
  private issuedUpTo: number;
  private reservedUpTo: number;
  private queue: Promise<unknown> = Promise.resolve();
  /** `next()` calls not settled yet: `nextIfReserved` must not overtake them. */
  private waiting = 0;

  private constructor(
    private readonly path: string,
    start: number,
    private readonly blockSize: number,
    private readonly log: Logger | undefined,
    /** The reservation could not be read, so `start` came from the clock. */
    private readonly damaged: boolean,
  ) {
    this.issuedUpTo = start;
    this.reservedUpTo = start;
  }

  /** Reads the last reservation from `<stateDir>/seq.json` (creating the directory if needed). */
  static async open(stateDir: string, options: SeqAllocatorOptions = {}): Promise<SeqAllocator> {
    const blockSize = options.blockSize ?? DEFAULT_SEQ_BLOCK;
    if (!Number.isSafeInteger(blockSize) || blockSize < 1) throw new RangeError('blockSize must be >= 1');
    await ensurePrivateDir(stateDir);
    const path = join(stateDir, SEQ_FILE);
    let start = await readReservation(path);
    const damaged = start === undefined;
    if (start === undefined) {
      // The file exists but is damaged, so the last number used is unknown.
      // The wall clock in ms grows far faster than samples are taken (at most
      // 4/s), so it is above any number a previous run could have issued.
      start = (options.now ?? Date.now)();
      options.log?.warn({ path, start }, 'seq file damaged; continuing from the current time in ms');
    }
    return new SeqAllocator(path, start, blockSize, options.log, damaged);
  }

  /** The most recently issued number, or the reservation base before the first one. */
  get last(): number {
    return this.issuedUpTo;
  }

  /**
   * Lines the counter up with the sample journal before the first `next()`.
   * `lastUsed` is the highest number the journal has seen. When the journal
   * proves that nothing above it was ever sent (`complete`: the previous run
   * shut down cleanly or died on this same boot), numbering resumes right
   * after it, inside the reservation already on disk, so a crash leaves no
   * gap. Otherwise the counter only ever moves up: a gap is harmless, reuse is not.
   */
  alignWithJournal(lastUsed: number, complete: boolean): void {
    if (complete && !this.damaged && lastUsed <= this.reservedUpTo) {
      this.issuedUpTo = lastUsed;
    } else if (lastUsed > this.issuedUpTo) {
      this.issuedUpTo = lastUsed;
      this.log?.warn({ lastUsed }, 'sample journal is ahead of the seq reservation; continuing after it');
    }
  }

  /** The next sequence number; persists a new reservation first when the current one is used up. */
  next(): Promise<number> {
    this.waiting += 1;
    const result = this.queue
      .then(() => this.issue())
      .finally(() => {
        this.waiting -= 1;
      });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * The next number at once, when the reservation on disk already covers it
   * and no `next()` is pending; `undefined` when a reservation has to be
   * written first (then call `next()`). The sample loop takes its number this
   * way on all but one sample in a block, without the promise queue's
   * microtask hops (each a few µs in a process whose JavaScript runs interpreted).
   */
  nextIfReserved(): number | undefined {
    if (this.waiting > 0 || this.issuedUpTo >= this.reservedUpTo) return undefined;
    this.issuedUpTo += 1;
    return this.issuedUpTo;
  }

  private async issue(): Promise<number> {
    if (this.issuedUpTo >= this.reservedUpTo) await this.reserve();
    this.issuedUpTo += 1;
    return this.issuedUpTo;
  }

  private async reserve(): Promise<void> {
    // Re-reading lets a second process on the same state dir (a mistake, but
    // possible) jump past this one's reservations instead of overlapping them.
    const onDisk = (await readReservation(this.path).catch(() => undefined)) ?? 0;
    const base = Math.max(this.reservedUpTo, onDisk, this.issuedUpTo);
    const reservedUpTo = base + this.blockSize;
    if (reservedUpTo > Number.MAX_SAFE_INTEGER) throw new RangeError('sequence numbers exhausted');
    await writeFileAtomic(this.path, `${JSON.stringify({ reservedUpTo })}\n`);
    this.log?.debug({ reservedUpTo }, 'reserved sequence numbers');
    this.issuedUpTo = base;
    this.reservedUpTo = reservedUpTo;
  }
}

/** 0 when there is no file yet, `undefined` when it is damaged. */
async function readReservation(path: string): Promise<number | undefined> {
  let json: unknown;
  try {
    json = await readJsonFile(path);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
  if (json === undefined) return 0;
  const value = asRecord(json)?.reservedUpTo;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
