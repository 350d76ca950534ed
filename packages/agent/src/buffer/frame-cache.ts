import type { JournalEntry } from './journal-state.js';
import { SeqQueue } from './seq-queue.js';

/** @default 256 KiB — the newest few dozen frames. */
export const DEFAULT_FRAME_CACHE_BYTES = 256 * 1024;

/**
 * Keeps the text of the newest journal entries in memory, within a byte
 * budget, so the connected path (push, then send at once) never reads the
 * disk; older entries drop their text and are read back by offset when a
 * reconnect re-sends them. Memory stays flat however long the backlog.
 */
export class FrameCache {
  private readonly entries = new SeqQueue<JournalEntry>();
  private bytes = 0;

  constructor(private readonly budget = DEFAULT_FRAME_CACHE_BYTES) {}

  /** Caches a new entry (its `text` already set), evicting the oldest cached ones over budget. */
  add(entry: JournalEntry): void {
    this.entries.push(entry);
    this.bytes += entry.length;
    for (let old = this.entries.first(); old && this.bytes > this.budget && old !== entry; ) {
      this.entries.shift();
      this.bytes -= old.length;
      old.text = undefined;
      old = this.entries.first();
    }
  }

  /** Forgets entries <= seq (acked or dropped): nothing will read them again. */
  forgetThrough(seq: number): void {
    for (const e of this.entries.shiftThrough(seq)) this.bytes -= e.length;
  }
}
