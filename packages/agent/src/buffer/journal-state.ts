import type { JournalRecord } from './journal-records.js';
import { SeqQueue } from './seq-queue.js';

/** A waiting sample: where its line is in the journal, and (for the newest few) its text. */
export interface JournalEntry {
  readonly seq: number;
  /** The frame's `dropped` field. */
  readonly dropped: number;
  /** Byte offset of the line in the journal file. */
  offset: number;
  /** Bytes of the line including its newline. */
  readonly length: number;
  /** In-memory copy; `undefined` once evicted from the cache (read back from disk). */
  text: string | undefined;
}

/**
 * The logical content of the journal: the waiting samples and the counters.
 * The store applies the same transitions live that replay applies when
 * reading the file back, so both always agree.
 */
export class JournalState {
  readonly entries = new SeqQueue<JournalEntry>();
  /** Highest sequence number the journal has seen in any record. */
  lastSeq = 0;
  /** Samples evicted on overflow, over the journal's life. */
  droppedTotal = 0;
  /** Evictions not yet reported by a sample's `dropped` field. */
  pendingDropped = 0;
  /**
   * Samples evicted after being sent on the live connection and not acked
   * yet, with the count their frame carried: stored if an ack covers them,
   * lost if the connection ends first.
   */
  readonly inFlight = new SeqQueue<{ readonly seq: number; readonly dropped: number }>();
  /** Bytes of the waiting samples' lines. */
  liveBytes = 0;
  /** Boot id of the last writer (`open`/`meta` record). */
  lastBoot: string | null = null;
  /** The last record is `close`: the previous run shut down cleanly. */
  closedCleanly = false;

  /**
   * Applies one record. Returns why it was ignored, or null. A sample that
   * does not follow the previous one in seq order is ignored: it can only
   * come from damage or from two processes sharing one state directory.
   */
  apply(record: JournalRecord, offset: number, length: number): string | null {
    this.closedCleanly = false;
    switch (record.kind) {
      case 'sample': {
        const last = this.entries.last;
        if (last !== undefined && record.seq <= last.seq) return `sample ${record.seq} out of order`;
        this.entries.push({ seq: record.seq, dropped: record.dropped, offset, length, text: undefined });
        this.liveBytes += length;
        // The sample carried every eviction before it.
        this.pendingDropped = 0;
        break;
      }
      case 'ack':
        this.forgetThrough(record.seq);
        break;
      case 'drop':
        this.evict(record.seq, false);
        break;
      case 'sent-drop':
        this.evict(record.seq, true);
        break;
      case 'lost':
        this.loseInFlight(record.seq);
        break;
      case 'open':
        this.lastBoot = record.boot;
        break;
      case 'meta':
        // A snapshot taken after every line before it was applied: it wins.
        this.droppedTotal = record.droppedTotal;
        this.pendingDropped = record.pendingDropped;
        this.inFlight.shiftThrough(Number.MAX_SAFE_INTEGER);
        for (const [seq, dropped] of record.inFlight) this.inFlight.push({ seq, dropped });
        this.lastBoot = record.boot;
        break;
      case 'close':
        this.closedCleanly = true;
        break;
    }
    this.lastSeq = Math.max(this.lastSeq, 'seq' in record ? record.seq : record.lastSeq);
    return null;
  }

  /**
   * Offset of the oldest waiting sample on disk: every other one lies after
   * it. Samples kept in memory only (a write failed) have offset -1.
   */
  firstDurableOffset(): number | undefined {
    for (const e of this.entries) if (e.offset >= 0) return e.offset;
    return undefined;
  }

  /** Cumulative: removes every waiting sample <= seq. Returns how many. */
  forgetThrough(seq: number): number {
    // Sent, evicted, and now known to be stored: neither lost nor to be reported again.
    this.inFlight.shiftThrough(seq);
    const removed = this.entries.shiftThrough(seq);
    for (const e of removed) this.liveBytes -= e.length;
    return removed.length;
  }

  /**
   * Overflow: removes the oldest sample if it is `seq`. Unsent, it is lost:
   * counted, and the count its own frame carried (which now never reaches the
   * backend) moves on with it, so every loss is reported exactly once. Sent on
   * the live connection, it is on its way: it waits in `inFlight` for an ack
   * or the end of that connection. A `drop` whose sample is already gone
   * (copied along by compaction) is a no-op.
   */
  evict(seq: number, sent: boolean): boolean {
    const first = this.entries.first();
    if (first === undefined || first.seq !== seq) return false;
    this.entries.shift();
    this.liveBytes -= first.length;
    if (sent) this.inFlight.push({ seq, dropped: first.dropped });
    else this.countLost(first.dropped);
    return true;
  }

  /** The connection ended: samples <= seq evicted in flight and not acked did not arrive. */
  loseInFlight(seq: number): number {
    const lost = this.inFlight.shiftThrough(seq);
    for (const e of lost) this.countLost(e.dropped);
    return lost.length;
  }

  private countLost(carried: number): void {
    this.droppedTotal += 1;
    this.pendingDropped += 1 + carried;
  }
}
