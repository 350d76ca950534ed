import type { PresenceEvent } from '@labmgr/protocol';
import type { Logger } from 'pino';
import type { BackendClient } from '../backend/backend-client.js';
import { createBackendBatcher } from './backend-batcher.js';
import type { Batcher, BatcherTuning } from './batcher.js';

export interface PresenceForwarderOptions {
  backend: Pick<BackendClient, 'presence'>;
  relayId: string;
  logger: Logger;
  tuning?: Partial<BatcherTuning>;
}

/**
 * Queues agent connect/disconnect events and posts them to the backend's
 * presence route in batches, in order, separately from data so a slow
 * ingest cannot delay "this computer went offline".
 */
export function createPresenceForwarder(options: PresenceForwarderOptions): Batcher<PresenceEvent> {
  const { backend, relayId, logger } = options;
  return createBackendBatcher({
    name: 'presence',
    countField: 'events',
    logger,
    defaults: { maxQueued: 20_000 },
    tuning: options.tuning,
    post: (events: PresenceEvent[]) => backend.presence({ relayId, events }),
  });
}
