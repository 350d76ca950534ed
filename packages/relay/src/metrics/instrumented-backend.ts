import type { BackendClient } from '../backend/backend-client.js';

export interface BackendObserver {
  /** Items per ingest batch, observed when it is posted. */
  observeBatch(items: number): void;
  /** Seconds from receipt to storage, per item of a stored batch. */
  observeForwardLatency(seconds: number): void;
  /** Whether the backend answered a call at all (any HTTP answer counts; network errors, timeouts and 5xx do not). */
  reachable(ok: boolean, reason?: string): void;
}

/**
 * Wraps a backend client so every call feeds the metrics and the readiness
 * check, without the forwarders having to know about either.
 */
export function instrumentBackend(backend: BackendClient, observer: BackendObserver): BackendClient {
  return {
    ...backend,
    async authenticateAgent(credential) {
      const outcome = await backend.authenticateAgent(credential);
      if (outcome.kind === 'unavailable') observer.reachable(false, outcome.reason);
      else observer.reachable(true);
      return outcome;
    },
    async ingest(batch) {
      observer.observeBatch(batch.items.length);
      const outcome = await backend.ingest(batch);
      if (outcome.kind === 'failed') {
        observer.reachable(false, outcome.reason);
      } else {
        observer.reachable(true);
        if (outcome.kind === 'ok') {
          const now = Date.now();
          for (const item of batch.items) observer.observeForwardLatency((now - item.receivedAt) / 1000);
        }
      }
      return outcome;
    },
    async presence(body) {
      const outcome = await backend.presence(body);
      if (outcome.kind === 'failed') observer.reachable(false, outcome.reason);
      else observer.reachable(true);
      return outcome;
    },
  };
}
