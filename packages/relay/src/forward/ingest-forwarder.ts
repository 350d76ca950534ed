import type { IngestItem, IngestResult } from '@labmgr/protocol';
import type { Logger } from 'pino';
import type { BackendClient } from '../backend/backend-client.js';
import { createBackendBatcher } from './backend-batcher.js';
import type { Batcher, BatcherTuning } from './batcher.js';

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
  // Guarded: a throw here would be taken for a failed send and the stored batch sent again.
  function deliverAcks({ acks }: IngestResult): void {
    for (const ack of acks) {
      try {
        deliverAck(ack.computerId, ack.seq);
      } catch (err) {
        logger.error({ err, computerId: ack.computerId }, 'could not pass an ack to its agent');
      }
    }
  }
  return createBackendBatcher({
    name: 'ingest',
    countField: 'items',
    logger,
    // Well under the backend's request body limit, even with large inventories.
    defaults: { maxBatchWeight: 4 * 1024 * 1024 },
    tuning: options.tuning,
    post: (items: IngestItem[]) => backend.ingest({ relayId, items }),
    onSent: deliverAcks,
  });
}
