import type { Logger } from 'pino';
import { MAX_BATCH_ENTRIES, type SendOutcome } from '../backend/backend-client.js';
import type { BatchQueue } from './batch-queue.js';
import { Batcher, type BatcherTuning, type BatchInfo } from './batcher.js';

export interface BackendBatcherOptions<T, R> {
  /** Names the stream in log lines, e.g. `'ingest'`. */
  name: string;
  /** Log field that counts the entries of a batch, e.g. `'items'`. */
  countField: string;
  logger: Logger;
  /** Defaults of this stream, overridden by `tuning`. */
  defaults?: Partial<BatcherTuning>;
  tuning?: Partial<BatcherTuning> | undefined;
  /** Posts one batch to the backend; must resolve, never reject. */
  post: (items: T[]) => Promise<SendOutcome<R>>;
  /** Called with the backend's answer once a batch and every batch before it are stored. */
  onSent?: (value: R, batch: BatchInfo) => void;
  /** See {@link BatcherOptions.onSettled}. */
  onSettled?: () => void;
  /** @default in memory, bounded by `maxQueued` */
  queue?: BatchQueue<T> | undefined;
}

/**
 * A {@link Batcher} that posts to one backend route and maps the outcome to
 * a verdict: retry on `failed`, drop (and log as a bug) on `rejected`, since
 * retrying a 4xx cannot help and would block everything queued behind it.
 */
export function createBackendBatcher<T, R>(options: BackendBatcherOptions<T, R>): Batcher<T> {
  const { name, countField, logger, post, onSent, queue, onSettled } = options;
  const batcher: Batcher<T> = new Batcher<T>({
    ...options.defaults,
    ...options.tuning,
    maxBatch: Math.min(options.tuning?.maxBatch ?? 1000, MAX_BATCH_ENTRIES),
    ...(queue ? { queue } : {}),
    ...(onSettled ? { onSettled } : {}),
    async send(items, batch) {
      const out = await post([...items]);
      const count = { [countField]: items.length };
      switch (out.kind) {
        case 'ok':
          if (batcher.failures > 0) logger.info(count, `${name} recovered`);
          return { verdict: 'sent', commit: () => onSent?.(out.value, batch) };
        case 'failed':
          logger.warn(
            { reason: out.reason, ...count, queued: batcher.size, failures: batcher.failures + 1 },
            `${name} failed; retrying the batch with backoff`,
          );
          return 'retry';
        case 'rejected':
          logger.error(
            { reason: out.reason, status: out.status, body: out.body, ...count },
            `backend rejected a ${name} batch; dropping it (bug)`,
          );
          return 'discard';
      }
    },
  });
  return batcher;
}
