import { type BatchQueue, MemoryQueue, type QueuedBatch } from './batch-queue.js';

/** How one batch went, as the sender reports it. */
export type BatchVerdict =
  /** Delivered: drop the items from the queue. */
  | 'sent'
  /** Not delivered but worth another try (network, 5xx): keep the items, back off. */
  | 'retry'
  /** Not delivered and never will be (a 4xx means a bug): drop the items anyway. */
  | 'discard';

/**
 * Delivered, with what to do about it (e.g. pass acks on) once every batch
 * sent before this one is delivered too: `commit` runs in queue order, and
 * never for a batch whose predecessor failed (it is sent again after the retry).
 */
export interface Delivered {
  verdict: 'sent';
  commit(): void;
}

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
   * Refuse items beyond this many queued (the batches in flight included); only
   * for the default in-memory queue. @default 100_000
   */
  maxQueued: number;
  /**
   * Batches sent at once. A further batch starts only when a full one is
   * queued behind those in flight, so light traffic still goes one at a time.
   * @default 1
   */
  maxInFlight: number;
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
  maxInFlight: 1,
  retryInitialMs: 100,
  retryMaxMs: 10_000,
};

export interface BatcherOptions<T> extends Partial<BatcherTuning> {
  /** Sends one batch. A rejected promise counts as `'retry'`. */
  send: (items: readonly T[], batch: BatchInfo) => Promise<BatchVerdict | Delivered>;
  /** @default a {@link MemoryQueue} of `maxQueued` items */
  queue?: BatchQueue<T>;
  /** Source of retry jitter in [0, 1). @default Math.random */
  random?: () => number;
  /** Called after each batch settled and the queue was updated (e.g. to resume paused senders); must not throw. */
  onSettled?: () => void;
}

/** What the sender may need to know about a batch besides its items. */
export type BatchInfo = Pick<QueuedBatch<unknown>, 'replayed'>;

/** One batch in flight: its size once read from the queue, its outcome once settled. */
interface Slot {
  count: number;
  outcome: BatchVerdict | Delivered | undefined;
}

/**
 * A FIFO (in memory unless given another {@link BatchQueue}) that sends its
 * head in batches, up to `maxInFlight` at once, and deals with their outcomes
 * in queue order, so the receiver's acks are passed on in order whatever
 * order the answers come in. A failed batch stays at the head of the queue
 * and is retried with capped, jittered exponential backoff, together with
 * every batch sent after it (their outcomes are ignored); items queued
 * meanwhile wait behind it (a retry tops the batch up to `maxBatch`, so after
 * an outage the backlog drains in full batches). The receiver must tolerate
 * a batch it stored but failed to acknowledge arriving again, and batches of
 * one sender arriving out of order.
 */
export class Batcher<T> {
  readonly #tuning: BatcherTuning;
  readonly #send: (items: readonly T[], batch: BatchInfo) => Promise<BatchVerdict | Delivered>;
  readonly #random: () => number;
  readonly #queue: BatchQueue<T>;
  readonly #onSettled: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The pending timer is a retry backoff (not the batching delay): do not send early. */
  #backingOff = false;
  /** Batches in flight, in queue order. */
  #slots: Slot[] = [];
  /** Items of the batches in flight (known once each was read from the queue). */
  #inFlightItems = 0;
  /** A batch is being read from the queue: its size is not known yet, so no other may start. */
  #reading = false;
  /** A batch settled while another was being read: removing its items now would move the reader's `skip`. */
  #settleDeferred = false;
  /** A batch failed: the rest in flight are waited out, then everything is retried. */
  #failing = false;
  #failures = 0;
  #stopped = false;
  #onSettle: Array<() => void> = [];

  constructor(options: BatcherOptions<T>) {
    const { send, random, queue, onSettled, ...tuning } = options;
    this.#tuning = { ...defaultBatcherTuning, ...stripUndefined(tuning) };
    this.#send = send;
    this.#random = random ?? Math.random;
    this.#onSettled = onSettled;
    this.#queue = queue ?? new MemoryQueue<T>(this.#tuning.maxQueued);
    // A queue that starts non-empty (a spool left by an earlier run) is sent without waiting for new items.
    if (this.#queue.size > 0) this.#timer = setTimeout(() => this.#flush(), 0);
  }

  /** Items queued, including the batches in flight. */
  get size(): number {
    return this.#queue.size;
  }

  /** Consecutive failed sends (0 once a batch goes through). */
  get failures(): number {
    return this.#failures;
  }

  /** Batches in flight now. */
  get inFlight(): number {
    return this.#slots.length;
  }

  /** Queues one item. Returns false, and keeps nothing, when full or stopped. */
  enqueue(item: T, weight = 0): boolean {
    if (this.#stopped || !this.#queue.push(item, weight)) return false;
    // A pending retry picks the new item up when it fires.
    if (this.#backingOff || this.#failing) return true;
    if (this.#slots.length > 0) {
      // A settling batch sends what waits; only a full one goes beside those in flight.
      if (this.#queue.size - this.#inFlightItems >= this.#tuning.maxBatch) this.#fill();
      return true;
    }
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
      if (this.#slots.length === 0 && !this.#backingOff) this.#flush();
      await this.#nextSettle(left);
    }
    return this.#queue.size;
  }

  /**
   * Stops sending and refuses new items; batches already in flight finish
   * on their own. The queue is closed (a spool keeps what is left for the next run).
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
    this.#fill();
  }

  /** Starts one more batch if one may start: below `maxInFlight`, not failing, something unsent queued. */
  #fill(): void {
    if (this.#stopped || this.#backingOff || this.#failing || this.#reading) return;
    if (this.#slots.length >= Math.max(1, this.#tuning.maxInFlight)) return;
    const skip = this.#inFlightItems;
    if (this.#queue.size - skip <= 0) return;
    const slot: Slot = { count: 0, outcome: undefined };
    this.#slots.push(slot);
    this.#reading = true;
    void this.#sendSlot(slot, skip).then((outcome) => {
      slot.outcome = outcome;
      this.#settle();
    });
  }

  async #sendSlot(slot: Slot, skip: number): Promise<BatchVerdict | Delivered> {
    let reading = true;
    try {
      // Reading the batch may mean reading a spool segment, which can fail: retry like a failed send.
      const batch = await this.#queue.next(skip, this.#tuning.maxBatch, this.#tuning.maxBatchWeight);
      slot.count = batch.items.length;
      this.#inFlightItems += slot.count;
      this.#reading = reading = false;
      if (this.#settleDeferred) {
        this.#settleDeferred = false;
        this.#settle();
      }
      // Nothing readable after all (e.g. a spool segment held only damaged lines). Should the
      // queue still claim items, back off rather than spin on it.
      if (batch.items.length === 0) return this.#queue.size > skip ? 'retry' : 'sent';
      if (this.#stopped) return 'retry';
      // A full batch may already wait behind this one: send it beside.
      if (this.#queue.size - this.#inFlightItems >= this.#tuning.maxBatch) this.#fill();
      return await this.#send(batch.items, { replayed: batch.replayed });
    } catch {
      if (reading) {
        this.#reading = false;
        // This slot settles right after the return, and with it any deferred settle.
        this.#settleDeferred = false;
      }
      return 'retry';
    }
  }

  /** Deals with the settled batches at the head, in order; after a failure, with all of them at once. */
  #settle(): void {
    if (this.#reading) {
      this.#settleDeferred = true;
      return;
    }
    while (!this.#failing) {
      const head = this.#slots[0];
      if (!head?.outcome) break;
      this.#slots.shift();
      this.#inFlightItems -= head.count;
      const verdict = typeof head.outcome === 'string' ? head.outcome : head.outcome.verdict;
      if (verdict === 'retry') {
        this.#failing = true;
        break;
      }
      this.#queue.shift(head.count);
      if (head.count > 0) this.#failures = 0;
      if (typeof head.outcome === 'object') {
        try {
          head.outcome.commit();
        } catch {
          // The sender's follow-up (acks) guards itself; the batch is delivered either way.
        }
      }
    }
    if (this.#failing) {
      // The batches sent after the failed one are sent again after the retry; their outcomes do not count.
      if (this.#slots.some((s) => s.outcome === undefined)) {
        this.#settled();
        return;
      }
      this.#slots = [];
      this.#inFlightItems = 0;
      this.#failing = false;
      this.#failures += 1;
      if (!this.#stopped) {
        this.#backingOff = true;
        this.#timer = setTimeout(() => {
          this.#backingOff = false;
          this.#flush();
        }, this.#backoffMs());
      }
    } else if (this.#queue.size - this.#inFlightItems > 0) {
      // Whatever arrived during the send has already waited a round trip: send it now.
      this.#fill();
    }
    this.#settled();
  }

  #settled(): void {
    try {
      this.#onSettled?.();
    } catch {
      // A hook for pacing; the queue is consistent either way.
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
