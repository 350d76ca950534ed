import type { PresenceEvent } from '@labmgr/protocol';
import type { Logger } from 'pino';
import type { BackendClient } from '../backend/backend-client.js';
import { Batcher, type BatcherTuning } from './batcher.js';

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
  const batcher: Batcher<PresenceEvent> = new Batcher<PresenceEvent>({
    maxQueued: 20_000,
    ...options.tuning,
    // The protocol caps a presence body at 10,000 events (PresenceBody).
    maxBatch: Math.min(options.tuning?.maxBatch ?? 500, 10_000),
    async send(events) {
      const out = await backend.presence({ relayId, events: [...events] });
      switch (out.kind) {
        case 'ok':
          if (batcher.failures > 0) logger.info({ events: events.length }, 'presence recovered');
          return 'sent';
        case 'failed':
          logger.warn(
            { reason: out.reason, events: events.length, failures: batcher.failures + 1 },
            'presence update failed; retrying with backoff',
          );
          return 'retry';
        case 'rejected':
          logger.error(
            { reason: out.reason, status: out.status, body: out.body, events: events.length },
            'backend rejected a presence batch; dropping it (bug)',
          );
          return 'discard';
      }
    },
  });
  return batcher;
}
