/** The next batch a queue offers from its head. */
export interface QueuedBatch<T> {
  items: readonly T[];
  /**
   * The items come from an earlier run of the relay (its spool). Such a batch
   * is never mixed with items of this run.
   */
  replayed: boolean;
}

/** Where a {@link Batcher} keeps its items: a FIFO read from the head in batches. */
export interface BatchQueue<T> {
  /** Items queued, the batch in flight included. */
  readonly size: number;
  /** Total weight queued (a lower bound is fine: it only decides when to send early). */
  readonly weight: number;
  /** Appends one item. Returns false, and keeps nothing, when the queue is full. */
  push(item: T, weight: number): boolean;
  /**
   * The batch after the first `skip` items (those of batches already in
   * flight): at least one item (if any), at most `maxCount`, and within
   * `maxWeight` unless the first item alone is heavier. Does not remove them.
   */
  next(skip: number, maxCount: number, maxWeight: number): QueuedBatch<T> | Promise<QueuedBatch<T>>;
  /** Removes `count` items from the head (the batch `next` returned has been dealt with). */
  shift(count: number): void;
  /** The batcher has stopped; the queue may persist what it still holds. */
  close(): void;
}

/** A plain in-memory queue, refusing items beyond `maxQueued` (a number, or read at each push). */
export class MemoryQueue<T> implements BatchQueue<T> {
  readonly #items: T[] = [];
  /** Weight of each queued item, index for index with `#items`. */
  readonly #weights: number[] = [];
  #weight = 0;
  readonly #max: () => number;

  constructor(maxQueued: number | (() => number)) {
    this.#max = typeof maxQueued === 'number' ? () => maxQueued : maxQueued;
  }

  get size(): number {
    return this.#items.length;
  }

  get weight(): number {
    return this.#weight;
  }

  push(item: T, weight: number): boolean {
    if (this.#items.length >= this.#max()) return false;
    this.#items.push(item);
    this.#weights.push(weight);
    this.#weight += weight;
    return true;
  }

  next(skip: number, maxCount: number, maxWeight: number): QueuedBatch<T> {
    const count = headCount(this.#weights, maxCount, maxWeight, skip);
    return { items: this.#items.slice(skip, skip + count), replayed: false };
  }

  shift(count: number): void {
    this.#items.splice(0, count);
    for (const w of this.#weights.splice(0, count)) this.#weight -= w;
  }

  close(): void {}
}

/**
 * How many of `weights` from index `start` make the next batch: at least one
 * (if any), at most `maxCount`, within `maxWeight` unless the first alone is heavier.
 */
export function headCount(
  weights: readonly number[],
  maxCount: number,
  maxWeight: number,
  start = 0,
): number {
  let count = 0;
  let weight = 0;
  for (let i = start; i < weights.length; i++) {
    const w = weights[i] ?? 0;
    if (!fitsBatch(count, weight, w, maxCount, maxWeight)) break;
    count += 1;
    weight += w;
  }
  return count;
}

/** May an item of weight `w` join a batch of `count` items weighing `weight`? */
export function fitsBatch(
  count: number,
  weight: number,
  w: number,
  maxCount: number,
  maxWeight: number,
): boolean {
  return count === 0 || (count < maxCount && weight + w <= maxWeight);
}
