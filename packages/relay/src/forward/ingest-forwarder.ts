import { IngestItem, type IngestResult } from '@labmgr/protocol';
import type { Logger } from 'pino';
import type { BackendClient, ForwardItem } from '../backend/backend-client.js';
import { createBackendBatcher } from './backend-batcher.js';
import type { BatcherTuning, BatchInfo } from './batcher.js';
import { SpooledQueue } from './spool/spooled-queue.js';

/** Where the ingest queue overflows to while the backend is away. */
export interface IngestSpoolOptions {
  /** Folder of this relay's spool segments (one relay per folder). */
  dir: string;
  /** Bound on the spool's size on disk; beyond it agents are asked to retry later. */
  maxBytes: number;
  /** Items kept in memory before new ones go to the spool. */
  memoryItems: number;
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
  /** @default none: an in-memory queue bounded by `tuning.maxQueued` */
  spool?: IngestSpoolOptions;
}

/** The ingest queue as the relay drives it, and what it reports. */
export interface IngestForwarder {
  /** Queues one frame of `weight` bytes; false when full (memory, or spool at its bound). */
  enqueue(item: ForwardItem, weight?: number): boolean;
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
  const spool = options.spool
    ? SpooledQueue.open<ForwardItem>({
        dir: options.spool.dir,
        maxBytes: options.spool.maxBytes,
        memoryItems: options.spool.memoryItems,
        ...(options.spool.segmentBytes ? { segmentBytes: options.spool.segmentBytes } : {}),
        decode: decodeIngestItem,
        logger,
      })
    : undefined;
  const batcher = createBackendBatcher({
    name: 'ingest',
    countField: 'items',
    logger,
    // Well under the backend's request body limit, even with large inventories.
    defaults: { maxBatchWeight: 4 * 1024 * 1024 },
    tuning: options.tuning,
    queue: spool,
    post: (items: ForwardItem[]) => backend.ingest({ relayId, items }),
    onSent: deliverAcks,
  });
  return {
    enqueue: (item, weight) => batcher.enqueue(item, weight),
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

/**
 * A spooled line back to an item; a line that is JSON but not an item would
 * get the whole batch refused. Also reads lines of earlier relay versions,
 * which spooled the frame as an object rather than its text. (Replay only:
 * the cost of zod does not matter here.)
 */
export function decodeIngestItem(value: unknown): ForwardItem | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { computerId, receivedAt, text, frame } = value as Record<string, unknown>;
  let parsed: unknown = frame;
  if (typeof text === 'string') {
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  const item = IngestItem.safeParse({ computerId, receivedAt, frame: parsed });
  if (!item.success) return undefined;
  return {
    computerId: item.data.computerId,
    receivedAt: item.data.receivedAt,
    text: typeof text === 'string' ? text : JSON.stringify(item.data.frame),
  };
}
