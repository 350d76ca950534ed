import { type BatchQueue, MemoryQueue, type QueuedBatch } from './batch-queue.js';

/** How one batch went, as the sender reports it. */
export type BatchVerdict =
  /** Delivered: drop the items from the queue. */
  | 'sent'
  /** Not delivered but worth another try (network, 5xx): keep the items, back off. */
  | 'retry'
  /** Not delivered and never will be (a 4xx means a bug): drop the items anyway. */
  | 'discard';

/** Tuning of a {@link Batcher}; every field has a default. */
export interface BatcherTuning {
  /** Send at once when this many items are queued; also the largest batch. @default 500 */
  maxBatch: number;
  /**
   * Largest total weight (e.g. bytes) of one batch, so a batch stays under the
   * receiver's body limit; a single heavier item still goes alone. @default Infinity
   */
  maxBatchWeight: number;
  /** Send at most this long after the first item of a batch was queued. @default 25 */
  maxDelayMs: number;
  /**
   * Refuse items beyond this many queued (the batch in flight included); only
   * for the default in-memory queue. @default 100_000
   */
  maxQueued: number;
  /** First retry delay; doubles per consecutive failure. @default 100 */
  retryInitialMs: number;
  /** Longest retry delay. @default 10_000 */
  retryMaxMs: number;
}

export const defaultBatcherTuning: BatcherTuning = {
  maxBatch: 500,
  maxBatchWeight: Number.POSITIVE_INFINITY,
  maxDelayMs: 25,
  maxQueued: 100_000,
  retryInitialMs: 100,
  retryMaxMs: 10_000,
};

export interface BatcherOptions<T> extends Partial<BatcherTuning> {
  /** Sends one batch. A rejected promise counts as `'retry'`. */
  send: (items: readonly T[], batch: BatchInfo) => Promise<BatchVerdict>;
  /** @default a {@link MemoryQueue} of `maxQueued` items */
  queue?: BatchQueue<T>;
  /** Source of retry jitter in [0, 1). @default Math.random */
  random?: () => number;
}

/** What the sender may need to know about a batch besides its items. */
export type BatchInfo = Pick<QueuedBatch<unknown>, 'replayed'>;

/**
 * A FIFO (in memory unless given another {@link BatchQueue}) that sends its
 * head in batches, one batch at a time, so items reach the receiver in the
 * order they were queued. A failed batch stays at the head of the queue and
 * is retried with capped, jittered exponential backoff; items queued
 * meanwhile wait behind it (a retry tops the batch up to `maxBatch`, so after
 * an outage the backlog drains in full batches). The receiver must tolerate a batch it stored but failed to
 * acknowledge arriving again.
 */
export class Batcher<T> {
  readonly #tuning: BatcherTuning;
  readonly #send: (items: readonly T[], batch: BatchInfo) => Promise<BatchVerdict>;
  readonly #random: () => number;
  readonly #queue: BatchQueue<T>;
  #timer: NodeJS.Timeout | undefined;
  /** The pending timer is a retry backoff (not the batching delay): do not send early. */
  #backingOff = false;
  #inFlight = false;
  #failures = 0;
  #stopped = false;
  #onSettle: Array<() => void> = [];

  constructor(options: BatcherOptions<T>) {
    const { send, random, queue, ...tuning } = options;
    this.#tuning = { ...defaultBatcherTuning, ...stripUndefined(tuning) };
    this.#send = send;
    this.#random = random ?? Math.random;
    this.#queue = queue ?? new MemoryQueue<T>(this.#tuning.maxQueued);
    // A queue that starts non-empty (a spool left by an earlier run) is sent without waiting for new items.
    if (this.#queue.size > 0) this.#timer = setTimeout(() => this.#flush(), 0);
  }

  /** Items queued, including the batch in flight. */
  get size(): number {
    return this.#queue.size;
  }

  /** Consecutive failed sends (0 once a batch goes through). */
  get failures(): number {
    return this.#failures;
  }

  /** Queues one item. Returns false, and keeps nothing, when full or stopped. */
  enqueue(item: T, weight = 0): boolean {
    if (this.#stopped || !this.#queue.push(item, weight)) return false;
    // A send in flight or a pending retry picks the new item up when it settles.
    if (this.#inFlight || this.#backingOff) return true;
    if (this.#queue.size >= this.#tuning.maxBatch || this.#queue.weight >= this.#tuning.maxBatchWeight) {
      this.#flush();
    } else {
      this.#timer ??= setTimeout(() => this.#flush(), this.#tuning.maxDelayMs);
    }
    return true;
  }

  /**
   * Sends everything queued without waiting for the batching delay, retrying
   * until the queue is empty or `timeoutMs` has passed. Resolves the number
   * of items still queued.
   */
  async drain(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.#queue.size > 0 && !this.#stopped) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      if (!this.#inFlight && !this.#backingOff) this.#flush();
      await this.#nextSettle(left);
    }
    return this.#queue.size;
  }

  /**
   * Stops sending and refuses new items; a batch already in flight finishes
   * on its own. The queue is closed (a spool keeps what is left for the next run).
   */
  stop(): number {
    if (!this.#stopped) {
      this.#stopped = true;
      this.#clearTimer();
      this.#queue.close();
      this.#wake();
    }
    return this.#queue.size;
  }

  #flush(): void {
    this.#clearTimer();
    if (this.#inFlight || this.#stopped || this.#queue.size === 0) return;
    this.#inFlight = true;
    void this.#sendHead().then(({ count, verdict }) => this.#settle(count, verdict));
  }

  async #sendHead(): Promise<{ count: number; verdict: BatchVerdict }> {
    try {
      // Reading the head may mean reading a spool segment, which can fail: retry like a failed send.
      const batch = await this.#queue.next(this.#tuning.maxBatch, this.#tuning.maxBatchWeight);
      // Nothing readable after all (e.g. a spool segment held only damaged lines). Should the
      // queue still claim items, back off rather than spin on it.
      if (batch.items.length === 0) return { count: 0, verdict: this.#queue.size > 0 ? 'retry' : 'sent' };
      if (this.#stopped) return { count: 0, verdict: 'retry' };
      return {
        count: batch.items.length,
        verdict: await this.#send(batch.items, { replayed: batch.replayed }),
      };
    } catch {
      return { count: 0, verdict: 'retry' };
    }
  }

  #settle(count: number, verdict: BatchVerdict): void {
    this.#inFlight = false;
    if (verdict === 'retry') {
      this.#failures += 1;
      if (!this.#stopped) {
        this.#backingOff = true;
        this.#timer = setTimeout(() => {
          this.#backingOff = false;
          this.#flush();
        }, this.#backoffMs());
      }
    } else {
      this.#queue.shift(count);
      if (count > 0) this.#failures = 0;
      // Whatever arrived during the send has already waited a round trip: send it now.
      if (this.#queue.size > 0) this.#flush();
    }
    this.#wake();
  }

  #backoffMs(): number {
    const { retryInitialMs, retryMaxMs } = this.#tuning;
    const exp = Math.min(retryMaxMs, retryInitialMs * 2 ** Math.min(this.#failures - 1, 30));
    // Equal jitter: at least half the delay, so relays that failed together do not retry together.
    return Math.round(exp / 2 + (this.#random() * exp) / 2);
  }

  #nextSettle(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#onSettle.push(done);
    });
  }

  #wake(): void {
    const waiters = this.#onSettle;
    this.#onSettle = [];
    for (const wake of waiters) wake();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#backingOff = false;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
