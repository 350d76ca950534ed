import type { IngestItem } from '@labmgr/protocol';
import type { Logger } from 'pino';
import type { BackendClient } from '../backend/backend-client.js';
import { Batcher, type BatcherTuning } from './batcher.js';

export interface IngestForwarderOptions {
  backend: Pick<BackendClient, 'ingest'>;
  relayId: string;
  logger: Logger;
  /** Called once per acknowledged computer after a batch is stored; must not throw. */
  deliverAck: (computerId: string, seq: number) => void;
  tuning?: Partial<BatcherTuning>;
}

/**
 * Queues agent data frames and posts them to the backend's ingest route in
 * batches, passing the backend's per-computer acks back to the agents.
 */
export function createIngestForwarder(options: IngestForwarderOptions): Batcher<IngestItem> {
  const { backend, relayId, logger, deliverAck } = options;
  const batcher: Batcher<IngestItem> = new Batcher<IngestItem>({
    // Well under the backend's request body limit, even with large inventories.
    maxBatchWeight: 4 * 1024 * 1024,
    ...options.tuning,
    // The protocol caps a batch at 10,000 items (IngestBatch).
    maxBatch: Math.min(options.tuning?.maxBatch ?? 500, 10_000),
    async send(items) {
      const out = await backend.ingest({ relayId, items: [...items] });
      switch (out.kind) {
        case 'ok':
          if (batcher.failures > 0) logger.info({ items: items.length }, 'ingest recovered');
          deliverAcks(out.value.acks);
          return 'sent';
        case 'failed':
          logger.warn(
            { reason: out.reason, items: items.length, queued: batcher.size, failures: batcher.failures + 1 },
            'ingest failed; retrying the batch with backoff',
          );
          return 'retry';
        case 'rejected':
          // A 4xx means relay and backend disagree about the protocol: retrying
          // cannot help and would block every agent behind this batch.
          logger.error(
            { reason: out.reason, status: out.status, body: out.body, items: items.length },
            'backend rejected an ingest batch; dropping it (bug)',
          );
          return 'discard';
      }
    },
  });
  // Guarded: a throw here would be taken for a failed send and the stored batch sent again.
  function deliverAcks(acks: ReadonlyArray<{ computerId: string; seq: number }>): void {
    for (const ack of acks) {
      try {
        deliverAck(ack.computerId, ack.seq);
      } catch (err) {
        logger.error({ err, computerId: ack.computerId }, 'could not pass an ack to its agent');
      }
    }
  }
  return batcher;
}
