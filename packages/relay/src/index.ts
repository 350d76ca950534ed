/**
 * `@labmgr/relay`: the relay as a library, for tests and benchmarks that run
 * it in-process. The `labmgr-relay` command is `main.ts`.
 */
export type { AgentAuthOutcome, BackendClient, SendOutcome } from './backend/backend-client.js';
export { createBackendClient } from './backend/backend-client.js';
export type { ConfigResult, RelayConfig } from './config.js';
export { helpText, loadConfig } from './config.js';
export type { BatcherTuning } from './forward/batcher.js';

export type { RelayOptions, RunningRelay } from './relay.js';
export { startRelay } from './relay.js';
