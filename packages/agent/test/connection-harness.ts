/**
 * Shared setup for the `AgentConnection` tests: a connection to a fake relay
 * with a memory buffer, captured logs and recorded events.
 */
import { fixtures } from '@labmgr/protocol';
import { MemorySampleBuffer } from '../src/buffer/sample-buffer.js';
import { AgentConnection, type AgentConnectionOptions } from '../src/connection/agent-connection.js';
import type { ConnectionEvent } from '../src/connection/connection-state.js';
import { createLogger } from '../src/logging/logger.js';
import type { FakeRelay } from './fake-relay.js';

export interface ConnectionHarnessOptions {
  /** @default 100 */
  readonly capacity?: number;
  readonly overrides?: Partial<AgentConnectionOptions>;
}

/** Builds (does not start) a connection to `relay`; the caller stops it. */
export function connectionHarness(
  relay: FakeRelay,
  { capacity = 100, overrides = {} }: ConnectionHarnessOptions = {},
) {
  const store = new MemorySampleBuffer(capacity);
  const logs: string[] = [];
  const events: ConnectionEvent[] = [];
  const connection = new AgentConnection({
    url: relay.url,
    credential: 'cred-1',
    hostname: 'lab1-pc01',
    agentVersion: '0.1.0',
    store,
    inventory: fixtures.inventory(),
    log: createLogger('debug', { write: (line: string) => logs.push(line) }),
    // Tiny delays keep the tests quick; nothing asserts on time.
    backoff: { baseMs: 5, capMs: 20 },
    ...overrides,
  });
  const waiters: Array<() => void> = [];
  connection.onEvent((event) => {
    events.push(event);
    for (const wake of waiters.splice(0)) wake();
  });
  /** Resolves with the first event (ever, in order) matching the type. */
  async function event<T extends ConnectionEvent['type']>(
    type: T,
  ): Promise<Extract<ConnectionEvent, { type: T }>> {
    for (;;) {
      const found = events.find((e): e is Extract<ConnectionEvent, { type: T }> => e.type === type);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }
  return { connection, store, logs, events, event };
}
