import { mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type BatchQueue, fitsBatch, type QueuedBatch } from '../batch-queue.js';
import { SideFile, type SideFileName } from '../side-file.js';
import { assertChecksumSupport, type DamageReason, encodeRecord } from './spool-record.js';
import {
  type DamagedRecord,
  FIRST_SEGMENT_NUMBER,
  listSegments,
  readSegment,
  type SegmentContent,
  type SegmentFile,
  SegmentWriter,
  segmentPath,
  writeSegment,
} from './spool-segments.js';

export interface SpooledQueueOptions<T> {
  /** Folder of the segment files; created if missing. One queue per folder. */
  dir: string;
  /** Items held in memory before new ones go to disk (a number, or read at each push). */
  memoryItems: number | (() => number);
  /** Bound on the total size of the segment files; an item beyond it is refused. */
  maxBytes: number;
  /** A segment is closed and a new one begun past this size. @default 4 MiB */
  segmentBytes?: number;
  /**
   * The text of an item's record: one line (no `\n`). Records are written
   * and read back as they are, so an item validated before it was queued
   * need not be validated again. @default JSON.stringify
   */
  encode?: (item: T) => string;
  /** Turns one record's text back into an item; `undefined` (or a throw) marks the record damaged. */
  decode: (text: string) => T | undefined;
  logger: Logger;
  /** Told how many records of a segment were quarantined, per reason (a metric). */
  onQuarantined?: (reason: DamageReason, count: number) => void;
  /** The quarantine file is rotated to `quarantine.jsonl.1` before it would pass this size. @default 64 MiB */
  quarantineMaxBytes?: number | undefined;
  /** Told after each rotation of the quarantine file (a metric); must not throw. */
  onQuarantineRotated?: ((name: SideFileName) => void) | undefined;
  /**
   * Damage was found in a segment this run wrote, so the agents of its
   * records were never acked for them and must re-send: everything queued so
   * far is now sent with acks withheld (as if replayed from an earlier run),
   * and the caller should make the agents reconnect and re-send what is unacked.
   */
  onLiveDamage?: () => void;
}

/**
 * File in the spool folder that keeps every record found damaged, one JSON
 * line each; past its size limit renamed to `quarantine.jsonl.1` (see {@link SideFile}).
 */
export const QUARANTINE_FILE = 'quarantine.jsonl';

/** Damaged records logged one by one per segment; the rest only counted in one more line. */
const LOGGED_PER_SEGMENT = 20;

/** Records are written in batches: when this much waits, or after {@link WRITE_DELAY_MS}. */
const WRITE_BATCH_BYTES = 256 * 1024;
const WRITE_DELAY_MS = 20;

/** Items in memory, in queue order; `file` is set when they were read back from a segment. */
interface Chunk<T> {
  items: T[];
  weights: number[];
  /** Items before this index are sent. */
  start: number;
  /** Deleted once every item of the chunk is sent. */
  file: SegmentFile | undefined;
  replayed: boolean;
}

interface DiskSegment extends SegmentFile {
  /** Left by an earlier run. */
  replayed: boolean;
}

/**
 * A FIFO with a memory head and a disk tail. Items stay in memory up to
 * `memoryItems`; beyond that they are appended to segment files, and once
 * anything is on disk every later item goes there too, so order holds. The
 * head reads segments back whole, oldest first, and deletes a segment once
 * all its items are sent. Segments left by an earlier run are replayed first.
 *
 * The spool is not fsynced: an item counts as delivered only when the backend
 * has stored it and the agent got its ack, and until then the agent keeps it
 * and re-sends it on its next connection. A crash can therefore lose spooled
 * items from the relay but never from the system.
 *
 * One consumer: `next` is not called again before the previous call settled.
 */
export class SpooledQueue<T> implements BatchQueue<T> {
  readonly #dir: string;
  readonly #memoryMax: () => number;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  readonly #encode: (item: T) => string;
  readonly #decode: (text: string) => T | undefined;
  readonly #logger: Logger;
  readonly #onQuarantined: ((reason: DamageReason, count: number) => void) | undefined;
  readonly #onLiveDamage: (() => void) | undefined;
  readonly #quarantineFile: SideFile;
  readonly #chunks: Chunk<T>[] = [];
  #memoryItems = 0;
  #memoryWeight = 0;
  /** Not yet read back, oldest first; the last one may be open in `#writer`. */
  readonly #segments: DiskSegment[] = [];
  #diskItems = 0;
  #writer: { writer: SegmentWriter; segment: DiskSegment } | undefined;
  /** Records accepted into the open segment but not yet written (see {@link WRITE_BATCH_BYTES}). */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #writeTimer: NodeJS.Timeout | undefined;
  #nextNumber: number;
  /** Size of every segment file, those read back but not yet sent included. */
  #spoolBytes = 0;
  #closed = false;
  /** Some push was refused since the last accepted one (log once, not per item). */
  #refusing = false;

  private constructor(options: SpooledQueueOptions<T>, leftover: SegmentFile[]) {
    this.#dir = options.dir;
    const memoryItems = options.memoryItems;
    this.#memoryMax = typeof memoryItems === 'number' ? () => memoryItems : memoryItems;
    this.#maxBytes = options.maxBytes;
    this.#segmentBytes = options.segmentBytes ?? 4 * 1024 * 1024;
    this.#encode = options.encode ?? ((item) => JSON.stringify(item));
    this.#decode = options.decode;
    this.#logger = options.logger;
    this.#onQuarantined = options.onQuarantined;
    this.#onLiveDamage = options.onLiveDamage;
    this.#quarantineFile = new SideFile({
      name: 'quarantine',
      path: join(options.dir, QUARANTINE_FILE),
      maxBytes: options.quarantineMaxBytes,
      logger: options.logger,
      onRotated: options.onQuarantineRotated,
    });
    for (const file of leftover) {
      this.#segments.push({ ...file, replayed: true });
      this.#diskItems += file.items;
      this.#spoolBytes += file.bytes;
    }
    this.#nextNumber = (leftover.at(-1)?.number ?? FIRST_SEGMENT_NUMBER - 1) + 1;
  }

  /** Opens the spool in `options.dir`, taking over the segments an earlier run left there. Throws if the folder is unusable. */
  static open<T>(options: SpooledQueueOptions<T>): SpooledQueue<T> {
    assertChecksumSupport();
    mkdirSync(options.dir, { recursive: true });
    const queue = new SpooledQueue(options, listSegments(options.dir));
    if (queue.#segments.length > 0) {
      options.logger.info(
        {
          dir: options.dir,
          segments: queue.#segments.length,
          items: queue.#diskItems,
          bytes: queue.#spoolBytes,
        },
        'spool: replaying what an earlier run left, before new data',
      );
    }
    const legacy = queue.#segments.filter((s) => !s.checksummed).length;
    if (legacy > 0) {
      options.logger.warn(
        { dir: options.dir, segments: legacy },
        'spool: segments of an earlier relay version carry no checksums; replaying them unchecked',
      );
    }
    return queue;
  }

  get size(): number {
    return this.#memoryItems + this.#diskItems;
  }

  get weight(): number {
    return this.#memoryWeight + this.#spoolBytes;
  }

  /** Bytes of spool files on disk. */
  get spoolBytes(): number {
    return this.#spoolBytes;
  }

  /** Items in spool files not yet sent. */
  get spooledItems(): number {
    let items = this.#diskItems;
    for (const chunk of this.#chunks) if (chunk.file) items += chunk.items.length - chunk.start;
    return items;
  }

  push(item: T, weight: number): boolean {
    if (this.#closed) return false;
    if (this.#segments.length === 0 && this.#memoryItems < this.#memoryMax()) {
      this.#pushToMemory(item, weight);
      return true;
    }
    const line = encodeRecord(this.#encode(item));
    if (this.#spoolBytes + line.length > this.#maxBytes) {
      this.#refuse(
        { spoolBytes: this.#spoolBytes, maxBytes: this.#maxBytes },
        'spool full: refusing new items',
      );
      return false;
    }
    try {
      const target = this.#segmentFor(line.length);
      target.segment.bytes += line.length;
      target.segment.items += 1;
      this.#pending.push(line);
      this.#pendingBytes += line.length;
      if (this.#pendingBytes >= WRITE_BATCH_BYTES) this.#writePending();
      else this.#writeTimer ??= setTimeout(() => this.#writePending(), WRITE_DELAY_MS);
    } catch (err) {
      this.#refuse({ err, dir: this.#dir }, 'spool: cannot write; refusing new items');
      return false;
    }
    if (this.#spoolBytes === 0) {
      this.#logger.warn({ dir: this.#dir, memoryItems: this.#memoryItems }, 'spool: queueing to disk');
    }
    this.#spoolBytes += line.length;
    this.#diskItems += 1;
    this.#refusing = false;
    return true;
  }

  async next(skip: number, maxCount: number, maxWeight: number): Promise<QueuedBatch<T>> {
    // Topped up from disk first, so that a backlog leaves in full batches.
    while (
      !this.#closed &&
      this.#segments.length > 0 &&
      this.#memoryItems - skip < maxCount &&
      (skip > 0 || this.#memoryWeight < maxWeight)
    ) {
      await this.#readBack();
    }
    // Past the items of the batches in flight.
    let chunkIndex = 0;
    let first = this.#chunks[0]?.start ?? 0;
    for (let left = skip; left > 0; ) {
      const chunk = this.#chunks[chunkIndex];
      if (!chunk) break;
      const take = Math.min(left, chunk.items.length - first);
      left -= take;
      first += take;
      if (first >= chunk.items.length) {
        chunkIndex += 1;
        first = this.#chunks[chunkIndex]?.start ?? 0;
      }
    }
    const items: T[] = [];
    const replayed = this.#chunks[chunkIndex]?.replayed ?? false;
    let weight = 0;
    collect: for (let c = chunkIndex; c < this.#chunks.length; c++) {
      const chunk = this.#chunks[c] as Chunk<T>;
      // An earlier run's items go in batches of their own (see QueuedBatch.replayed).
      if (chunk.replayed !== replayed) break;
      for (let i = c === chunkIndex ? first : chunk.start; i < chunk.items.length; i++) {
        const w = chunk.weights[i] ?? 0;
        if (!fitsBatch(items.length, weight, w, maxCount, maxWeight)) break collect;
        items.push(chunk.items[i] as T);
        weight += w;
      }
    }
    return { items, replayed };
  }

  shift(count: number): void {
    // After close the memory head lives in a segment for the next run; nothing here to remove.
    if (this.#closed) return;
    let left = count;
    while (left > 0) {
      const chunk = this.#chunks[0];
      if (!chunk) break;
      const take = Math.min(left, chunk.items.length - chunk.start);
      for (let i = chunk.start; i < chunk.start + take; i++) this.#memoryWeight -= chunk.weights[i] ?? 0;
      chunk.start += take;
      this.#memoryItems -= take;
      left -= take;
      if (chunk.start < chunk.items.length) {
        // Drop what was sent from a chunk still being filled, now and then rather than per batch.
        if (chunk.start >= 4096) {
          chunk.items.splice(0, chunk.start);
          chunk.weights.splice(0, chunk.start);
          chunk.start = 0;
        }
        break;
      }
      this.#chunks.shift();
      if (chunk.file) this.#deleteSegment(chunk.file);
    }
  }

  /** Writes the records accepted into the open segment now, rather than within {@link WRITE_DELAY_MS}. */
  flush(): void {
    this.#writePending();
  }

  /**
   * Stops taking items and writes the memory head to a segment in front of
   * the others, so that the next run replays everything in order.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeWriter();
    const lines: Buffer[] = [];
    for (const chunk of this.#chunks) {
      for (let i = chunk.start; i < chunk.items.length; i++)
        lines.push(encodeRecord(this.#encode(chunk.items[i] as T)));
    }
    if (lines.length === 0) return;
    const first = Math.min(
      ...this.#segments.map((s) => s.number),
      ...this.#chunks.flatMap((c) => (c.file ? [c.file.number] : [])),
      this.#nextNumber,
    );
    const path = segmentPath(this.#dir, first - 1);
    try {
      writeSegment(path, Buffer.concat(lines));
    } catch (err) {
      this.#logger.error(
        { err, items: lines.length },
        'spool: could not keep the memory queue for the next run; agents re-send what was not acked',
      );
      return;
    }
    // Their unsent items are now in the new front segment.
    for (const chunk of this.#chunks) if (chunk.file) this.#deleteSegment(chunk.file);
    this.#logger.info({ items: lines.length, path }, 'spool: kept the memory queue for the next run');
  }

  #pushToMemory(item: T, weight: number): void {
    let chunk = this.#chunks.at(-1);
    if (!chunk || chunk.file || chunk.replayed) {
      chunk = { items: [], weights: [], start: 0, file: undefined, replayed: false };
      this.#chunks.push(chunk);
    }
    chunk.items.push(item);
    chunk.weights.push(weight);
    this.#memoryItems += 1;
    this.#memoryWeight += weight;
  }

  /** The open segment, or a new one when there is none or the open one is full. */
  #segmentFor(bytes: number): { writer: SegmentWriter; segment: DiskSegment } {
    const open = this.#writer;
    if (open && (open.segment.items === 0 || open.segment.bytes + bytes <= this.#segmentBytes)) return open;
    this.#closeWriter();
    const number = this.#nextNumber++;
    const segment: DiskSegment = {
      path: segmentPath(this.#dir, number),
      number,
      checksummed: true,
      bytes: 0,
      items: 0,
      replayed: false,
    };
    const writer = new SegmentWriter(segment.path);
    this.#segments.push(segment);
    this.#writer = { writer, segment };
    return this.#writer;
  }

  /** Moves the oldest segment into memory; the file stays until its items are sent. */
  async #readBack(): Promise<void> {
    const segment = this.#segments[0];
    if (!segment) return;
    if (this.#writer?.segment === segment) this.#closeWriter();
    let content: SegmentContent<T>;
    try {
      content = await readSegment(segment, this.#decode);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.#logger.error(
        { path: segment.path, items: segment.items },
        'spool: a segment vanished; skipping it',
      );
      content = { items: [], weights: [], damaged: [] };
    }
    // close() has written the memory head in front of this segment, which stays for the next run.
    if (this.#closed) return;
    this.#segments.shift();
    this.#diskItems -= segment.items;
    if (content.damaged.length > 0) {
      this.#quarantine(segment, content.damaged, content.items.length);
      if (!segment.replayed) {
        segment.replayed = true;
        this.#withholdAcksOfQueued();
      }
    }
    if (content.items.length === 0) {
      this.#deleteSegment(segment);
      return;
    }
    this.#chunks.push({
      items: content.items,
      weights: content.weights,
      start: 0,
      file: segment,
      replayed: segment.replayed,
    });
    this.#memoryItems += content.items.length;
    for (const w of content.weights) this.#memoryWeight += w;
  }

  /**
   * Keeps damaged records in the quarantine file (never replayed; fsynced,
   * rotated at its size limit), logs each with its segment and byte offset,
   * and counts them.
   */
  #quarantine(segment: SegmentFile, damaged: DamagedRecord[], kept: number): void {
    const file = this.#quarantineFile.path;
    const at = new Date().toISOString();
    const lines = damaged.map((d) => {
      const text = d.line.toString('utf8');
      const exact = Buffer.from(text, 'utf8').equals(d.line);
      return JSON.stringify({
        at,
        segment: d.segment,
        offset: d.offset,
        bytes: d.line.length,
        reason: d.reason,
        ...(exact ? { line: text } : { lineBase64: d.line.toString('base64') }),
      });
    });
    let written = true;
    try {
      this.#quarantineFile.append(lines);
    } catch (err) {
      written = false;
      this.#logger.error(
        { err, file },
        'spool: cannot write the quarantine file; damaged records only logged',
      );
    }
    for (const d of damaged.slice(0, LOGGED_PER_SEGMENT)) {
      this.#logger.error(
        {
          path: segment.path,
          segment: d.segment,
          offset: d.offset,
          reason: d.reason,
          ...(written ? { quarantine: file } : { line: d.line.toString('base64') }),
        },
        `spool: damaged record in ${d.segment} at byte ${d.offset} (${d.reason}); quarantined, not replayed`,
      );
    }
    const counts = new Map<DamageReason, number>();
    for (const d of damaged) counts.set(d.reason, (counts.get(d.reason) ?? 0) + 1);
    this.#logger.warn(
      {
        path: segment.path,
        damaged: damaged.length,
        kept,
        reasons: Object.fromEntries(counts),
        quarantine: file,
      },
      'spool: replaying the intact records of a segment with damaged ones',
    );
    for (const [reason, count] of counts) this.#onQuarantined?.(reason, count);
  }

  /**
   * A damaged record of this run hides a sample (which agent's, which seq:
   * the damaged bytes cannot be trusted to say) that was never stored. A
   * later cumulative ack to its agent would make it drop that sample, so
   * what is queued now goes out as replayed (no acks) and the agents are asked
   * to re-send; their re-sent samples queue behind and are acked as usual.
   */
  #withholdAcksOfQueued(): void {
    for (const chunk of this.#chunks) chunk.replayed = true;
    for (const segment of this.#segments) segment.replayed = true;
    this.#logger.warn(
      'spool: damage in a segment of this run; acks for what is queued are withheld, agents re-send',
    );
    this.#onLiveDamage?.();
  }

  #deleteSegment(segment: SegmentFile): void {
    this.#spoolBytes -= segment.bytes;
    try {
      unlinkSync(segment.path);
    } catch (err) {
      // Left behind, it is replayed by the next run; the backend drops what it already has.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.#logger.error({ err, path: segment.path }, 'spool: cannot delete a sent segment');
      }
    }
    if (this.#spoolBytes === 0 && !this.#closed) this.#logger.info('spool: empty again');
  }

  #closeWriter(): void {
    this.#writePending();
    const open = this.#writer;
    this.#writer = undefined;
    try {
      open?.writer.close();
    } catch (err) {
      this.#logger.error({ err, path: open?.segment.path }, 'spool: cannot close a segment');
    }
  }

  /**
   * Writes the records waiting for the open segment, in one call. When that
   * fails they are lost to the spool although they were accepted: like a
   * damaged record of this run, their agents were never acked for them, so
   * acks for what is queued are withheld and the agents asked to re-send.
   */
  #writePending(): void {
    if (this.#writeTimer) clearTimeout(this.#writeTimer);
    this.#writeTimer = undefined;
    const open = this.#writer;
    if (!open || this.#pending.length === 0) return;
    const lines = this.#pending;
    const bytes = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    const sizeBefore = open.segment.bytes - bytes;
    try {
      open.writer.append(lines.length === 1 ? (lines[0] as Buffer) : Buffer.concat(lines, bytes), sizeBefore);
    } catch (err) {
      open.segment.bytes -= bytes;
      open.segment.items -= lines.length;
      this.#spoolBytes -= bytes;
      this.#diskItems -= lines.length;
      this.#logger.error(
        { err, path: open.segment.path, records: lines.length },
        'spool: cannot write queued records; agents re-send them',
      );
      // The next record tries a new segment; this one goes if nothing of it was written.
      this.#closeWriter();
      if (open.segment.items === 0) {
        this.#segments.splice(this.#segments.indexOf(open.segment), 1);
        this.#deleteSegment(open.segment);
      }
      this.#withholdAcksOfQueued();
    }
  }

  #refuse(fields: object, message: string): void {
    if (!this.#refusing) this.#logger.error(fields, message);
    this.#refusing = true;
  }
}
