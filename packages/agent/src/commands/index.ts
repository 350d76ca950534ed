/**
 * Command execution: signed commands from the backend, verified, run at most
 * once, within the local policy. `CommandService` implements the handlers'
 * `CommandExecutor` seam (`handle`, `cancel`).
 */
export { type CommandEventFrame, CommandService, type CommandServiceOptions } from './command-service.js';
export { JOURNAL_FILE } from './journal.js';
export { DEFAULT_OUTPUT_CAP_BYTES } from './output.js';
export {
  ALLOW_ALL_POLICY,
  type CommandPolicy,
  DEFAULT_POLICY_FILE,
  loadPolicy,
  type Permission,
  PolicyFileError,
  parsePolicy,
  policyRefusal,
} from './policy.js';
export { MAX_CLOCK_SKEW_MS } from './verify.js';
