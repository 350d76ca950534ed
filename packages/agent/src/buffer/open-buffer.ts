import { readFileSync } from 'node:fs';
import type { Logger } from '../logging/logger.js';
import { DiskSampleStore } from './disk-sample-store.js';
import { SeqAllocator } from './seq-allocator.js';

export interface SampleBufferOptions {
  readonly log: Logger;
  /** @default 10000 */
  readonly maxSamples?: number;
  /** @default 64 MiB */
  readonly maxBytes?: number;
  /** @default the kernel's boot id (`readBootId()`) */
  readonly bootId?: string | null;
  /** Passed to the allocator (tests use small blocks). */
  readonly seqBlockSize?: number;
}

/**
 * Opens the persistent sample path of `run`: the seq allocator and the disk
 * journal, lined up so that numbering continues without a gap after a crash
 * whenever the journal proves that is safe, and records this run's floor.
 */
export async function openSampleBuffer(
  stateDir: string,
  options: SampleBufferOptions,
): Promise<{ seq: SeqAllocator; store: DiskSampleStore }> {
  const { log } = options;
  const seq = await SeqAllocator.open(stateDir, {
    log,
    ...(options.seqBlockSize ? { blockSize: options.seqBlockSize } : {}),
  });
  const store = await DiskSampleStore.open(stateDir, {
    log,
    bootId: options.bootId === undefined ? readBootId() : options.bootId,
    ...(options.maxSamples === undefined ? {} : { maxSamples: options.maxSamples }),
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
  });
  seq.alignWithJournal(store.lastSeq, store.previousRunComplete);
  store.markFloor(seq.last);
  log.debug({ after: seq.last, resumed: store.previousRunComplete }, 'sample numbering continues');
  return { seq, store };
}

/**
 * Linux's id of the current boot. Equal ids mean the kernel, and with it the
 * page cache holding the journal's unflushed writes, survived whatever
 * stopped the previous run. `null` elsewhere: only a clean shutdown counts then.
 */
export function readBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}
