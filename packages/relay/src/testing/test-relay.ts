// Starts a relay in-process against the fake backend, with silent logs and
// two enrolled agents. Not part of the build.
import { pino } from 'pino';
import type { RelayConfig } from '../config.js';
import { type RelayOptions, type RunningRelay, startRelay } from '../relay.js';
import { type FakeBackend, RELAY_TOKEN, startFakeBackend } from './fake-backend.js';

export const AGENT_A = {
  credential: 'cred-a',
  computerId: '6c3f2a1e-1b2c-4d5e-8f90-1234567890ab',
  hostname: 'pc-a',
};
export const AGENT_B = {
  credential: 'cred-b',
  computerId: '7d4a3b2f-2c3d-4e6f-9a01-234567890abc',
  hostname: 'pc-b',
};

export interface TestRelay {
  relay: RunningRelay;
  backend: FakeBackend;
  port: number;
  close(): Promise<void>;
}

/** @param config fields of the relay's configuration to override (limits, TLS, ...). */
export async function startTestRelay(
  options: RelayOptions = {},
  config: Partial<RelayConfig> = {},
): Promise<TestRelay> {
  const backend = await startFakeBackend();
  for (const a of [AGENT_A, AGENT_B]) {
    backend.agents.set(a.credential, { computerId: a.computerId, hostname: a.hostname });
  }
  const relay = await startRelay(
    {
      port: 0,
      host: '127.0.0.1',
      backendUrl: backend.url,
      token: RELAY_TOKEN,
      relayId: 'relay-test',
      logLevel: 'silent',
      // Tests wait for acks; the production default (5 s) would make each wait that long.
      ackIntervalMs: 50,
      ...config,
    },
    { logger: pino({ level: 'silent' }), ...options },
  );
  return {
    relay,
    backend,
    port: relay.port,
    async close() {
      await relay.close();
      await backend.close();
    },
  };
}
