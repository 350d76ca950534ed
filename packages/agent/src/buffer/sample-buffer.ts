import type { MetricSample, MetricsFrame } from '@labmgr/protocol';

/** One sample waiting for its ack, already encoded as the `metrics` frame that carries it. */
export interface BufferedSample {
  readonly seq: number;
  /** Samples lost to overflow just before this one; reported in this frame's `dropped`. */
  readonly dropped: number;
  /** The frame's JSON text: encoded once, sent (and re-sent) as is. */
  readonly text: string;
}

/**
 * Where samples wait until the backend acknowledges them. The connection only
 * needs this contract, so a disk-backed store can replace the in-memory one
 * without touching it: entries are immutable, ordered by `seq`, and addressed
 * by `seq` rather than by position.
 */
export interface SampleStore {
  /** Appends a sample; `seq` must be greater than every earlier one. */
  push(seq: number, sample: MetricSample): BufferedSample;
  /** Cumulative ack: forgets every sample with a sequence number <= `seq`. Returns how many. */
  ack(seq: number): number;
  /** The oldest waiting sample with a sequence number > `seq` (the send cursor). */
  firstAfter(seq: number): BufferedSample | undefined;
  readonly size: number;
  /** Bytes of the waiting frames' text. */
  readonly bytes: number;
  readonly capacity: number;
  /**
   * Samples lost (evicted on overflow and never delivered), over the store's
   * life; each counted once, when it is known to be lost.
   */
  readonly droppedTotal: number;
  /** Every sample <= `seq` has been written to the live connection (called by its outbox). */
  sent(seq: number): void;
  /**
   * The live connection ended. Samples evicted after being sent on it, that no
   * ack covered, are counted as lost now (and reported by the next frame).
   */
  connectionEnded(): void;
}

/** @default 10000 — about 2.8 h at 1 sample/s, 14 h at the default 5 s. */
export const DEFAULT_BUFFER_CAPACITY = 10_000;

/**
 * Bounded in-memory ring of unacknowledged samples. When full, the oldest
 * sample is evicted. If it was never written to the live connection, it is
 * lost: counted, and the count rides on the next pushed sample's frame
 * together with the count the evicted frame carried (which never reached the
 * backend), so every loss is reported exactly once, by a frame that is itself
 * re-sent until acked. If it was already sent on the live connection it is on
 * its way: it is lost only if the connection ends before an ack covers it.
 */
export class MemorySampleBuffer implements SampleStore {
  private readonly slots: Array<BufferedSample | undefined>;
  private head = 0;
  private count = 0;
  private byteCount = 0;
  private lastSeq = 0;
  private pendingDropped = 0;
  private dropped = 0;
  private sentThrough = 0;
  /** Evicted after being sent on the live connection, not yet acked: seq and the count its frame carried. */
  private inFlight: Array<{ seq: number; dropped: number }> = [];

  constructor(readonly capacity: number = DEFAULT_BUFFER_CAPACITY) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError('capacity must be >= 1');
    this.slots = new Array<BufferedSample | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  get droppedTotal(): number {
    return this.dropped;
  }

  get bytes(): number {
    return this.byteCount;
  }

  push(seq: number, sample: MetricSample): BufferedSample {
    if (!Number.isSafeInteger(seq) || seq <= this.lastSeq) {
      throw new RangeError(`seq ${seq} is not above the last one (${this.lastSeq})`);
    }
    if (this.count === this.capacity) {
      const oldest = this.shift();
      if (oldest && oldest.seq <= this.sentThrough) {
        this.inFlight.push({ seq: oldest.seq, dropped: oldest.dropped });
      } else {
        this.pendingDropped += 1 + (oldest?.dropped ?? 0);
        this.dropped += 1;
      }
    }
    const frame: MetricsFrame = { type: 'metrics', seq, sample, dropped: this.pendingDropped };
    const entry: BufferedSample = { seq, dropped: this.pendingDropped, text: JSON.stringify(frame) };
    this.pendingDropped = 0;
    this.slots[(this.head + this.count) % this.capacity] = entry;
    this.count += 1;
    this.byteCount += Buffer.byteLength(entry.text);
    this.lastSeq = seq;
    return entry;
  }

  sent(seq: number): void {
    this.sentThrough = Math.max(this.sentThrough, seq);
  }

  connectionEnded(): void {
    this.sentThrough = 0;
    for (const lost of this.inFlight) {
      this.pendingDropped += 1 + lost.dropped;
      this.dropped += 1;
    }
    this.inFlight = [];
  }

  ack(seq: number): number {
    this.inFlight = this.inFlight.filter((e) => e.seq > seq);
    let removed = 0;
    while (this.count > 0 && (this.at(0)?.seq ?? Number.POSITIVE_INFINITY) <= seq) {
      this.shift();
      removed += 1;
    }
    return removed;
  }

  firstAfter(seq: number): BufferedSample | undefined {
    // Binary search: entries are sorted by seq, and resends start mid-buffer.
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.at(mid)?.seq ?? Number.POSITIVE_INFINITY) <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.count ? this.at(lo) : undefined;
  }

  private at(index: number): BufferedSample | undefined {
    return this.slots[(this.head + index) % this.capacity];
  }

  private shift(): BufferedSample | undefined {
    const entry = this.slots[this.head];
    // Clear the slot so the sample's text can be garbage-collected.
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count -= 1;
    this.byteCount -= entry ? Buffer.byteLength(entry.text) : 0;
    return entry;
  }
}
