import { join } from 'node:path';
import type { MetricSample, MetricsFrame } from '@labmgr/protocol';
import type { Logger } from '../logging/logger.js';
import { ensurePrivateDir } from '../state/files.js';
import { FrameCache } from './frame-cache.js';
import { JournalHandle } from './journal-file.js';
import { encodeMarker, type MarkerRecord, parseRecord } from './journal-records.js';
import { type JournalEntry, JournalState } from './journal-state.js';
import { type BufferedSample, DEFAULT_BUFFER_CAPACITY, type SampleStore } from './sample-buffer.js';

export const SAMPLE_JOURNAL_FILE = 'samples.journal';
/** @default 64 MiB — a full default buffer of 10,000 samples of ~5 KiB fits with room to spare. */
export const DEFAULT_BUFFER_MAX_BYTES = 64 * 1024 * 1024;

export interface DiskSampleStoreOptions {
  /** @default 10000 */
  readonly maxSamples?: number;
  /** Sum of the waiting frames' sizes. @default 64 MiB */
  readonly maxBytes?: number;
  /** Dead bytes (acked, dropped, markers) that trigger a rewrite, once they also outweigh the live ones. @default 1 MiB */
  readonly compactAfterBytes?: number;
  /** @default 10000 */
  readonly syncIntervalMs?: number;
  /** In-memory copies of the newest frames, so the connected path never reads the disk. @default 256 KiB */
  readonly cacheBytes?: number;
  /** Kernel boot id, see `readBootId`. */
  readonly bootId: string | null;
  readonly log: Logger;
}

/**
 * The sample buffer on disk: an append-only journal (`samples.journal` in the
 * state dir) of the encoded `metrics` frames plus ack/drop markers, and an
 * in-memory index of the waiting ones (seq, offset, length). Unacked samples
 * survive a restart; frames are read back by offset when re-sent.
 *
 * fsync policy: appends are not fsynced one by one. What the journal must
 * survive first is the agent process dying (crash, SIGKILL, service restart,
 * upgrade), and the kernel's page cache outlives the process. A power cut is
 * covered by an fdatasync every `syncIntervalMs` while anything is waiting
 * (at most that much is lost; relays ack every few seconds, so a connected
 * agent usually flushes once per interval, on the wake-up of a push), by an fsync before every
 * compaction rename and by one on clean shutdown. A torn or damaged line is
 * skipped on replay, and a lost ack only means a re-send, which the backend
 * de-duplicates by seq.
 */
export class DiskSampleStore implements SampleStore {
  readonly capacity: number;
  private readonly maxBytes: number;
  private readonly cache: FrameCache;
  private writeFailing = false;
  private compactBlockedUntil = 0;
  private closed = false;
  /** Highest seq written to the live connection; 0 while there is none. */
  private sentThrough = 0;
  private readonly timer: NodeJS.Timeout;
  /** Monotonic (process.uptime) ms of the last flush check. */
  private lastSyncAt = process.uptime() * 1000;

  private constructor(
    private readonly file: JournalHandle,
    private readonly state: JournalState,
    private readonly options: DiskSampleStoreOptions,
  ) {
    this.capacity = options.maxSamples ?? DEFAULT_BUFFER_CAPACITY;
    this.maxBytes = options.maxBytes ?? DEFAULT_BUFFER_MAX_BYTES;
    this.cache = new FrameCache(options.cacheBytes);
    if (!Number.isSafeInteger(this.capacity) || this.capacity < 1)
      throw new RangeError('maxSamples must be >= 1');
    // The flush rides on a push's wake-up (`syncIfDue`); this timer, a second
    // later, only fires when no push came (sampling slower than the interval).
    this.timer = setTimeout(() => this.syncNow(), this.syncIntervalMs + 1000);
    this.timer.unref();
  }

  private get syncIntervalMs(): number {
    return this.options.syncIntervalMs ?? 10_000;
  }

  private syncIfDue(): void {
    if (process.uptime() * 1000 - this.lastSyncAt >= this.syncIntervalMs) this.syncNow();
  }

  /** An fdatasync in the background if anything waits (and was appended since the last one). */
  private syncNow(): void {
    this.lastSyncAt = process.uptime() * 1000;
    if (this.size > 0)
      this.file.syncInBackground((err) => this.options.log.warn({ err }, 'cannot flush the sample journal'));
    if (!this.closed) this.timer.refresh();
  }

  /**
   * Opens (or creates) the journal and replays it. Damaged lines are skipped
   * and a torn last line is cut off, each with a log line; neither is fatal.
   */
  static async open(stateDir: string, options: DiskSampleStoreOptions): Promise<DiskSampleStore> {
    await ensurePrivateDir(stateDir);
    const path = join(stateDir, SAMPLE_JOURNAL_FILE);
    const state = new JournalState();
    const skipped: string[] = [];
    const { handle, tornBytes } = JournalHandle.open(path, (text, offset, length) => {
      const record = parseRecord(text);
      const why = 'invalid' in record ? record.invalid : state.apply(record, offset, length);
      if (why !== null) skipped.push(`offset ${offset}: ${why}`);
    });
    const { log } = options;
    if (tornBytes > 0)
      log.warn({ path, bytes: tornBytes }, 'sample journal ended with a torn line; discarded it');
    if (skipped.length > 0) {
      log.warn(
        { path, skipped: skipped.length, first: skipped.slice(0, 5) },
        'skipped damaged sample journal lines',
      );
    }
    const store = new DiskSampleStore(handle, state, options);
    // Whatever was in flight when the previous run ended went with its connection.
    store.connectionEnded();
    store.enforceBounds();
    if (state.entries.size > 0) {
      log.info(
        { buffered: state.entries.size, bytes: state.liveBytes },
        'unacked samples recovered from the journal',
      );
    }
    store.maybeCompact();
    return store;
  }

  get size(): number {
    return this.state.entries.size;
  }

  get bytes(): number {
    return this.state.liveBytes;
  }

  get droppedTotal(): number {
    return this.state.droppedTotal;
  }

  /** Highest sequence number the journal has seen (samples, acks, floors). */
  get lastSeq(): number {
    return this.state.lastSeq;
  }

  /**
   * True when nothing above `lastSeq` can have been sent by the previous run:
   * it shut down cleanly, or it ran on this same boot (the page cache, and so
   * every line it wrote before sending, survived its death).
   */
  get previousRunComplete(): boolean {
    const boot = this.options.bootId;
    return this.state.closedCleanly || (boot !== null && this.state.lastBoot === boot);
  }

  /** Records that this run numbers samples above `seq`; a later replay never goes below it. */
  markFloor(seq: number): void {
    const record = { kind: 'open', seq, boot: this.options.bootId } as const;
    this.append(`${encodeMarker(record)}\n`);
    this.state.apply(record, 0, 0);
  }

  push(seq: number, sample: MetricSample): BufferedSample {
    if (this.closed) throw new Error('sample journal is closed');
    if (!Number.isSafeInteger(seq) || seq <= this.state.lastSeq) {
      throw new RangeError(`seq ${seq} is not above the last one (${this.state.lastSeq})`);
    }
    const frame: MetricsFrame = { type: 'metrics', seq, sample, dropped: 0 };
    const probe = JSON.stringify(frame);
    const probeBytes = Buffer.byteLength(probe);
    // Room for the digits `dropped` may gain.
    const victims = this.victimsFor(probeBytes + 16);
    // A victim already sent on the live connection is on its way, with the
    // count its frame carries: not lost (yet), and that count is not carried again.
    const sent = (v: JournalEntry) => v.seq <= this.sentThrough;
    let dropped = this.state.pendingDropped;
    for (const v of victims) if (!sent(v)) dropped += 1 + v.dropped;
    // `dropped` is the last key, so the count replaces the probe's trailing `0}` without re-encoding the sample.
    const digits = String(dropped);
    const text = dropped === 0 ? probe : `${probe.slice(0, -2)}${digits}}`;
    // Digits are ASCII: one byte each.
    const lineBytes = probeBytes + digits.length - 1 + 1;
    let markers = '';
    for (const v of victims)
      markers += `${encodeMarker({ kind: sent(v) ? 'sent-drop' : 'drop', seq: v.seq })}\n`;
    const markerBytes = markers.length; // ASCII
    const offset = this.file.size + markerBytes;
    // Evictions and the sample go down in one write, so a crash keeps both or neither.
    const durable = this.append(`${markers}${text}\n`, markerBytes + lineBytes);
    for (const v of victims) {
      this.state.evict(v.seq, sent(v));
      this.cache.forgetThrough(v.seq);
    }
    // A sample that could not be written stays in memory only (offset -1):
    // a full disk must not stop monitoring while the relay is reachable.
    this.state.apply({ kind: 'sample', seq, dropped }, durable ? offset : -1, lineBytes);
    const entry = this.state.entries.last;
    if (entry) {
      entry.text = text;
      if (durable) this.cache.add(entry);
    }
    // A long outage at the bound turns every push into an eviction: without
    // this, the evicted lines would pile up until the next ack.
    if (victims.length > 0) this.maybeCompact();
    this.syncIfDue();
    return { seq, dropped, text };
  }

  sent(seq: number): void {
    this.sentThrough = Math.max(this.sentThrough, seq);
  }

  connectionEnded(): void {
    this.sentThrough = 0;
    const last = this.state.inFlight.last;
    if (this.closed || last === undefined || this.state.inFlight.size === 0) return;
    this.writeMarker({ kind: 'lost', seq: last.seq });
    this.state.loseInFlight(last.seq);
  }

  ack(seq: number): number {
    const newest = this.state.entries.at(this.state.entries.indexAfter(seq) - 1);
    if (newest === undefined) {
      // Nothing waiting is covered, but samples evicted in flight may be: they arrived.
      const flown = this.state.inFlight.at(this.state.inFlight.indexAfter(seq) - 1);
      if (flown !== undefined) {
        this.writeMarker({ kind: 'ack', seq: flown.seq });
        this.state.forgetThrough(flown.seq);
      }
      return 0;
    }
    const removed = this.state.forgetThrough(seq);
    this.cache.forgetThrough(seq);
    // The marker names the newest removed sample, not `seq`: a relay acking a
    // number the agent never issued must not raise the journal's floor.
    this.writeMarker({ kind: 'ack', seq: newest.seq });
    this.maybeCompact();
    return removed;
  }

  firstAfter(seq: number): BufferedSample | undefined {
    const entry = this.state.entries.at(this.state.entries.indexAfter(seq));
    if (!entry) return undefined;
    const text = entry.text ?? this.readBack(entry);
    return text === undefined ? undefined : { seq: entry.seq, dropped: entry.dropped, text };
  }

  /** Writes the clean-shutdown marker, flushes to disk and closes the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.writeMarker({ kind: 'close', seq: this.state.lastSeq });
    try {
      this.file.close();
    } catch (err) {
      this.options.log.warn({ err }, 'cannot flush the sample journal');
    }
  }

  private victimsFor(lineBytes: number): JournalEntry[] {
    const victims: JournalEntry[] = [];
    let count = this.state.entries.size;
    let bytes = this.state.liveBytes;
    for (
      let e = this.state.entries.at(0);
      e && (count >= this.capacity || bytes + lineBytes > this.maxBytes);
    ) {
      victims.push(e);
      count -= 1;
      bytes -= e.length;
      e = this.state.entries.at(victims.length);
    }
    return victims;
  }

  /** Settings may have shrunk since the journal was written: evict the oldest until within bounds. */
  private enforceBounds(): void {
    for (
      let e = this.state.entries.first();
      e && (this.size > this.capacity || this.bytes > this.maxBytes);
    ) {
      this.writeMarker({ kind: 'drop', seq: e.seq });
      this.state.evict(e.seq, false);
      e = this.state.entries.first();
    }
  }

  private readBack(entry: JournalEntry): string | undefined {
    try {
      const text = this.file.read(entry.offset, entry.length - 1);
      // Key order is fixed by JSON.stringify, so a cheap prefix check catches a file changed under us.
      if (!text.startsWith(`{"type":"metrics","seq":${entry.seq},`)) throw new Error('unexpected content');
      return text;
    } catch (err) {
      // The connection stalls on this sample (logged) rather than crash; a restart's replay skips the line.
      this.options.log.error(
        { err, seq: entry.seq, offset: entry.offset },
        'cannot read a sample back from the journal',
      );
      return undefined;
    }
  }

  private writeMarker(record: MarkerRecord): void {
    this.append(`${encodeMarker(record)}\n`);
  }

  /** Appends whole lines; returns whether it worked (a failure is logged once, until writes work again). */
  private append(text: string, bytes?: number): boolean {
    try {
      this.file.append(text, bytes);
      if (this.writeFailing) this.options.log.info('sample journal is writable again');
      this.writeFailing = false;
      return true;
    } catch (err) {
      if (!this.writeFailing) {
        this.options.log.error(
          { err, path: this.file.path },
          'cannot write the sample journal; keeping samples in memory',
        );
      }
      this.writeFailing = true;
      return false;
    }
  }

  private maybeCompact(): void {
    const dead = this.file.size - this.state.liveBytes;
    const threshold = this.options.compactAfterBytes ?? 1024 * 1024;
    if (dead < threshold || dead < this.state.liveBytes || this.file.size < this.compactBlockedUntil) return;
    const from = this.state.firstDurableOffset() ?? this.file.size;
    // The removed lines carried counters; a `meta` line at the end keeps them.
    const { lastSeq, droppedTotal, pendingDropped } = this.state;
    const meta = encodeMarker({
      kind: 'meta',
      lastSeq,
      droppedTotal,
      pendingDropped,
      inFlight: [...this.state.inFlight].map((e) => [e.seq, e.dropped] as const),
      boot: this.options.bootId,
    });
    try {
      this.file.rewrite(from, `${meta}\n`);
    } catch (err) {
      // Keep appending to the old file; try again after as much growth again.
      this.compactBlockedUntil = this.file.size + threshold;
      this.options.log.warn({ err, path: this.file.path }, 'sample journal compaction failed');
      return;
    }
    for (const e of this.state.entries) if (e.offset >= 0) e.offset -= from;
    this.options.log.debug({ bytes: this.file.size, buffered: this.size }, 'sample journal compacted');
  }
}
