/**
 * The agent's building blocks for programmatic use (benchmarks, tests, other
 * tools). The `labmgr-agent` binary wires them in `main.ts`.
 */
export {
  DEFAULT_BUFFER_MAX_BYTES,
  DiskSampleStore,
  type DiskSampleStoreOptions,
  SAMPLE_JOURNAL_FILE,
} from './buffer/disk-sample-store.js';
export { openSampleBuffer, readBootId, type SampleBufferOptions } from './buffer/open-buffer.js';
export {
  type BufferedSample,
  DEFAULT_BUFFER_CAPACITY,
  MemorySampleBuffer,
  type SampleStore,
} from './buffer/sample-buffer.js';
export { DEFAULT_SEQ_BLOCK, SeqAllocator, type SeqAllocatorOptions } from './buffer/seq-allocator.js';
export { runCli } from './cli/cli.js';
export type { Collector } from './collectors/collector.js';
export { createCollector } from './collectors/create-collector.js';
export { GenericCollector } from './collectors/generic.js';
export { LinuxCollector, type LinuxCollectorOptions } from './collectors/linux.js';
export {
  type AgentSettings,
  ConfigError,
  DEFAULT_CONFIG_PATH,
  type ResolvedConfig,
  resolveConfig,
} from './config/config.js';
export { AgentConnection, type AgentConnectionOptions } from './connection/agent-connection.js';
export { type BackoffOptions, DEFAULT_BACKOFF, fullJitterDelay } from './connection/backoff.js';
export type { CommandProgressFrame } from './connection/command-outbox.js';
export type { ConnectionEvent, ConnectionState, ConnectionStatus } from './connection/connection-state.js';
export { DEFAULT_HEARTBEAT, type HeartbeatOptions } from './connection/heartbeat.js';
export { COMMANDS_DISABLED_MESSAGE } from './handlers/command.handler.js';
export type { CommandExecutor, CommandFrameSink } from './handlers/context.js';
export { CertificateError, normalizeFingerprint } from './http/tls-pin.js';
export { AgentRunner, type AgentRunnerOptions } from './run/agent-runner.js';
export { AGENT_VERSION } from './version.js';
