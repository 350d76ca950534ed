/** Anything ordered by a strictly increasing `seq`. */
export interface HasSeq {
  readonly seq: number;
}

/**
 * A FIFO of entries in strictly increasing `seq` order, removed only from the
 * front (acks and overflow), found by binary search (the send cursor). An
 * array with a moving start, compacted now and then, so removal is O(1).
 */
export class SeqQueue<T extends HasSeq> {
  /** Slots before `start` are cleared, so removed entries (and the frame text they hold) can be collected at once. */
  private items: Array<T | undefined> = [];
  private start = 0;

  get size(): number {
    return this.items.length - this.start;
  }

  get last(): T | undefined {
    return this.items[this.items.length - 1];
  }

  first(): T | undefined {
    return this.items[this.start];
  }

  /** The i-th waiting entry, 0 = oldest. */
  at(index: number): T | undefined {
    return index < 0 ? undefined : this.items[this.start + index];
  }

  /** Appends; the caller guarantees `entry.seq` is above every other. */
  push(entry: T): void {
    this.items.push(entry);
  }

  shift(): T | undefined {
    const entry = this.items[this.start];
    if (entry === undefined) return undefined;
    // Without this the dead prefix kept up to ~1,000 removed entries alive until
    // the next compaction: at one sample a second, ~3 MB of acked frame texts
    // that outlived every scavenge and piled up in V8's old space (RSS crept up
    // by ~4 KB/s until a full GC).
    this.items[this.start] = undefined;
    this.start += 1;
    // Reclaim the dead prefix once it dominates, keeping the amortised cost O(1).
    if (this.start >= 1024 && this.start * 2 >= this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
    return entry;
  }

  /** Removes every entry with seq <= `seq` from the front; returns them. */
  shiftThrough(seq: number): T[] {
    const removed: T[] = [];
    for (let e = this.first(); e !== undefined && e.seq <= seq; e = this.first()) {
      this.shift();
      removed.push(e);
    }
    return removed;
  }

  /** Index (0 = oldest) of the first entry with seq > `seq`; `size` if none. */
  indexAfter(seq: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.at(mid)?.seq ?? Number.POSITIVE_INFINITY) <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.start; i < this.items.length; i++) {
      const item = this.items[i];
      if (item !== undefined) yield item;
    }
  }
}
