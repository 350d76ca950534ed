import type { IngestResult } from '@labmgr/protocol';
import type { Logger } from 'pino';
import type { BackendClient, ForwardItem, SendOutcome } from '../backend/backend-client.js';
import { createBackendBatcher } from './backend-batcher.js';
import { MemoryQueue } from './batch-queue.js';
import type { BatcherTuning, BatchInfo } from './batcher.js';
import { type DeadLetter, DeadLetterFile } from './dead-letter.js';
import { decodeIngestRecord, encodeIngestRecord } from './ingest-record.js';
import type { SideFileName } from './side-file.js';
import type { DamageReason } from './spool/spool-record.js';
import { SpooledQueue } from './spool/spooled-queue.js';

/** Where the ingest queue overflows to while the backend is away. */
export interface IngestSpoolOptions {
  /** Folder of this relay's spool segments (one relay per folder). */
  dir: string;
  /** Bound on the spool's size on disk; agents are paced before it is reached. */
  maxBytes: number;
  /** @default 4 MiB */
  segmentBytes?: number;
}

export interface IngestForwarderOptions {
  backend: Pick<BackendClient, 'ingest'>;
  relayId: string;
  logger: Logger;
  /** Called once per acknowledged computer after a batch is stored; must not throw. */
  deliverAck: (computerId: string, seq: number) => void;
  tuning?: Partial<BatcherTuning>;
  /**
   * The queue's pacing level, read at each enqueue so it can grow with the
   * agents connected: senders are asked to pause at it and may resume at
   * half of it. Agents paused mid-read still deliver what they had sent, so
   * memory holds up to {@link MEMORY_SLACK} times this before new items go
   * to the spool (or are refused without one). @default `tuning.maxQueued` or 100,000
   */
  memoryItems?: () => number;
  /** @default none: memory only */
  spool?: IngestSpoolOptions;
  /** Called after each batch settled (e.g. to resume paused agents once {@link IngestForwarder.hasRoom}); must not throw. */
  onSettled?: () => void;
  /**
   * File (JSON lines) where frames the backend refuses with a 4xx are kept,
   * fsynced before the agent is acked past them. Undefined (in-process tests
   * only; the command always sets it): refused frames are only logged, and
   * their own seq is never acked.
   */
  deadLetterFile?: string | undefined;
  /** Told how many refused frames were kept (a metric); must not throw. */
  onDeadLettered?: (count: number) => void;
  /** Told how many damaged spool records were quarantined, per reason (a metric); must not throw. */
  onQuarantined?: (reason: DamageReason, count: number) => void;
  /**
   * The dead-letter file and the spool's quarantine file are each renamed to
   * `<name>.1` (replacing the older one) before they would pass this size. @default 64 MiB
   */
  sideFileMaxBytes?: number | undefined;
  /** Told after each such rotation (a metric); must not throw. */
  onSideFileRotated?: (name: SideFileName) => void;
  /** See `SpooledQueueOptions.onLiveDamage`: make every agent reconnect and re-send; must not throw. */
  onSpoolDamage?: () => void;
}

/**
 * Refusals that say nothing about the frames (the relay's token refused, the
 * route missing): retried with backoff like a 5xx, never dead-lettered.
 */
const RELAY_LEVEL_STATUSES = new Set([401, 403, 404]);

/** Refused frames logged one by one per batch; the rest only counted. */
const LOGGED_PER_BATCH = 20;

/** One frame the backend refused on its own (a batch of one). */
interface Refusal {
  item: ForwardItem;
  status: number | undefined;
  reason: string;
  body: string | undefined;
}

/** Memory holds this many times the pacing level (see {@link IngestForwarderOptions.memoryItems}). */
export const MEMORY_SLACK = 4;

/** Batches of ingest sent at once; their acks are still passed on in queue order. */
export const INGEST_IN_FLIGHT = 2;

/** The ingest queue as the relay drives it, and what it reports. */
export interface IngestForwarder {
  /** Queues one frame of `weight` bytes; false when full (memory, or spool at its bound). */
  enqueue(item: ForwardItem, weight?: number): boolean;
  /**
   * The queue is past its high-water mark: senders should stop reading from
   * their agents until {@link hasRoom}. With the backend reachable that is
   * the pacing level (the agents' journals are the buffer, not the spool);
   * while it fails, the spool takes the frames and the mark is 90 % of the
   * spool's bound.
   */
  readonly congested: boolean;
  /** Back at the low-water mark (half the pacing level, or 80 % of the spool's bound): paused senders may resume. */
  readonly hasRoom: boolean;
  /** Frames the queue takes before it is congested again (while spooling: the pacing level). */
  readonly room: number;
  /** Frames queued, in memory and spooled, the batch in flight included. */
  readonly size: number;
  /** See {@link Batcher.drain}. */
  drain(timeoutMs: number): Promise<number>;
  /** Stops sending; a spool keeps what is left (the memory part included) for the next run. */
  stop(): number;
  /** Size of the spool files on disk (0 without a spool). */
  readonly spoolBytes: number;
  /** Frames in the spool files not yet sent. */
  readonly spooledItems: number;
}

/**
 * Queues agent data frames and posts them to the backend's ingest route in
 * batches, passing the backend's per-computer acks back to the agents; with
 * a spool, what does not fit in memory waits on disk.
 */
export function createIngestForwarder(options: IngestForwarderOptions): IngestForwarder {
  const { backend, relayId, logger, deliverAck } = options;
  // Guarded: a throw here would be taken for a failed send and the stored batch sent again.
  function deliverAcks({ acks }: IngestResult, batch: BatchInfo): void {
    // An earlier run's spool may lack frames its memory queue held when it
    // ended; a cumulative ack could make an agent drop those. The agents
    // re-send everything unacked when they reconnect and are acked for that.
    if (batch.replayed) {
      logger.debug({ computers: acks.length }, 'stored a batch from an earlier run’s spool; acks withheld');
      return;
    }
    for (const ack of acks) {
      try {
        deliverAck(ack.computerId, ack.seq);
      } catch (err) {
        logger.error({ err, computerId: ack.computerId }, 'could not pass an ack to its agent');
      }
    }
  }
  const deadLetters = options.deadLetterFile
    ? new DeadLetterFile(options.deadLetterFile, {
        maxBytes: options.sideFileMaxBytes,
        logger,
        onRotated: options.onSideFileRotated,
      })
    : undefined;

  /**
   * Posts a batch; when the backend refuses it (4xx), splits it in halves
   * until each refused frame stands alone, so the good frames are stored.
   * The refused ones go to the dead-letter file (fsynced), and only then
   * count as dealt with: their metrics `seq` joins the acks. A failure
   * (network, 5xx, the relay's token refused, the dead-letter file not
   * writable) anywhere makes the whole batch a retry; what was stored is
   * stored again (the backend ignores a seq it has), and nothing is
   * dead-lettered twice.
   */
  async function postIsolating(items: ForwardItem[]): Promise<SendOutcome<IngestResult>> {
    const acks = new Map<string, number>();
    const refused: Refusal[] = [];
    const failure = await isolate(items, acks, refused);
    if (failure) return failure;
    if (refused.length > 0 && !keepRefused(refused, acks)) {
      return { kind: 'failed', reason: `cannot write the dead-letter file ${options.deadLetterFile}` };
    }
    return { kind: 'ok', value: { acks: [...acks].map(([computerId, seq]) => ({ computerId, seq })) } };
  }

  async function isolate(
    items: ForwardItem[],
    acks: Map<string, number>,
    refused: Refusal[],
  ): Promise<SendOutcome<never> | undefined> {
    const out = await backend.ingest({ relayId, items });
    if (out.kind === 'ok') {
      for (const a of out.value.acks) acks.set(a.computerId, Math.max(acks.get(a.computerId) ?? 0, a.seq));
      return undefined;
    }
    if (out.kind === 'failed') return out;
    if (out.status !== undefined && RELAY_LEVEL_STATUSES.has(out.status)) {
      return { kind: 'failed', reason: `${out.reason}: ${out.body ?? ''}`.slice(0, 500) };
    }
    const [only] = items;
    if (items.length === 1 && only) {
      refused.push({ item: only, status: out.status, reason: out.reason, body: out.body });
      return undefined;
    }
    logger.warn(
      { status: out.status, reason: out.reason, items: items.length },
      'backend refused an ingest batch; splitting it to store the frames it accepts',
    );
    const half = Math.ceil(items.length / 2);
    return (
      (await isolate(items.slice(0, half), acks, refused)) ??
      (await isolate(items.slice(half), acks, refused))
    );
  }

  /** Writes the refused frames to the dead-letter file; false when that failed (retry the batch). */
  function keepRefused(refused: Refusal[], acks: Map<string, number>): boolean {
    const at = new Date().toISOString();
    const letters = refused.map((r): DeadLetter => {
      const { type, seq } = frameKey(r.item.text);
      return {
        at,
        relayId,
        computerId: r.item.computerId,
        type,
        seq,
        receivedAt: r.item.receivedAt,
        status: r.status,
        reason: r.reason,
        body: r.body?.slice(0, 2000),
        frame: r.item.text,
      };
    });
    if (deadLetters) {
      try {
        deadLetters.append(letters);
      } catch (err) {
        logger.error(
          { err, file: deadLetters.path, frames: letters.length },
          'cannot write refused frames to the dead-letter file; retrying the batch (their agents are not acked)',
        );
        return false;
      }
      // On disk: from here on they count as dealt with, like a stored frame.
      for (const l of letters) {
        if (l.type === 'metrics' && l.seq !== undefined) {
          acks.set(l.computerId, Math.max(acks.get(l.computerId) ?? 0, l.seq));
        }
      }
    }
    for (const l of letters.slice(0, LOGGED_PER_BATCH)) {
      const { frame, ...fields } = l;
      logger.error(
        deadLetters ? { ...fields, deadLetterFile: deadLetters.path } : { ...fields, frame },
        deadLetters
          ? 'backend refused a frame; kept in the dead-letter file, not stored'
          : 'backend refused a frame; not stored (no dead-letter file: only this log line keeps it)',
      );
    }
    if (letters.length > LOGGED_PER_BATCH) {
      logger.error(
        { frames: letters.length, file: deadLetters?.path },
        'backend refused more frames of one batch',
      );
    }
    try {
      options.onDeadLettered?.(letters.length);
    } catch {
      // A metric only.
    }
    return true;
  }

  const maxQueued = options.tuning?.maxQueued ?? 100_000;
  const paceAt = options.memoryItems ?? (() => maxQueued);
  const memoryItems = () => MEMORY_SLACK * paceAt();
  const spool = options.spool
    ? SpooledQueue.open<ForwardItem>({
        dir: options.spool.dir,
        maxBytes: options.spool.maxBytes,
        memoryItems,
        ...(options.spool.segmentBytes ? { segmentBytes: options.spool.segmentBytes } : {}),
        encode: encodeIngestRecord,
        decode: decodeIngestRecord,
        logger,
        ...(options.onQuarantined ? { onQuarantined: options.onQuarantined } : {}),
        quarantineMaxBytes: options.sideFileMaxBytes,
        onQuarantineRotated: options.onSideFileRotated,
        ...(options.onSpoolDamage ? { onLiveDamage: options.onSpoolDamage } : {}),
      })
    : undefined;
  const batcher = createBackendBatcher({
    name: 'ingest',
    countField: 'items',
    logger,
    // Well under the backend's request body limit, even with large inventories.
    defaults: { maxBatchWeight: 4 * 1024 * 1024, maxInFlight: INGEST_IN_FLIGHT },
    tuning: options.tuning,
    queue: spool ?? new MemoryQueue<ForwardItem>(memoryItems),
    post: postIsolating,
    onSent: deliverAcks,
    ...(options.onSettled ? { onSettled: options.onSettled } : {}),
  });
  /** The spool takes the frames while the backend fails (not while it is merely slower than the agents). */
  const spooling = () => spool !== undefined && batcher.failures > 0;
  const spoolMax = options.spool?.maxBytes ?? 0;
  return {
    enqueue: (item, weight) => batcher.enqueue(item, weight),
    get congested() {
      if (spool && spooling()) return spool.spoolBytes >= 0.9 * spoolMax;
      return batcher.size >= paceAt();
    },
    get room() {
      if (spool && spooling()) return paceAt();
      return Math.max(0, paceAt() - batcher.size);
    },
    get hasRoom() {
      if (spool && spooling()) return spool.spoolBytes <= 0.8 * spoolMax;
      return batcher.size <= paceAt() / 2;
    },
    get size() {
      return batcher.size;
    },
    drain: (timeoutMs) => batcher.drain(timeoutMs),
    stop: () => batcher.stop(),
    get spoolBytes() {
      return spool?.spoolBytes ?? 0;
    },
    get spooledItems() {
      return spool?.spooledItems ?? 0;
    },
  };
}

/** Type and `seq` of a forwarded frame, for the dead-letter file and acks. */
function frameKey(text: string): { type: string | undefined; seq: number | undefined } {
  try {
    const frame = JSON.parse(text) as { type?: unknown; seq?: unknown };
    return {
      type: typeof frame.type === 'string' ? frame.type : undefined,
      seq: typeof frame.seq === 'number' && Number.isSafeInteger(frame.seq) ? frame.seq : undefined,
    };
  } catch {
    return { type: undefined, seq: undefined };
  }
}
