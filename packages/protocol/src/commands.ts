import { z } from 'zod';
import { ComputerId, EpochMs } from './common.js';

const CommandBase = {
  /** Unique per command and computer; agents run an id at most once. */
  id: z.uuid(),
  /** The one computer this command may run on; an agent refuses another's. */
  computerId: ComputerId,
  timeoutSec: z.number().int().min(1).max(86_400),
  /** Local account to run as where the agent supports it; null = the agent's own. */
  runAs: z.string().min(1).max(64).nullable(),
  issuedAt: EpochMs,
  /** After this the agent refuses to start it (a command delayed in a queue is stale). */
  expiresAt: EpochMs,
};

/** A script run by a shell: `sh -c`/`bash -c` on Unix, PowerShell or cmd on Windows. */
export const ShellCommand = z.object({
  ...CommandBase,
  kind: z.literal('shell'),
  shell: z.enum(['sh', 'bash', 'powershell', 'cmd']),
  script: z.string().min(1).max(65_536),
});

/** A program started directly with its arguments, no shell in between. */
export const ExecCommand = z.object({
  ...CommandBase,
  kind: z.literal('exec'),
  argv: z.array(z.string().max(4096)).min(1).max(256),
});

export const CommandRequest = z.discriminatedUnion('kind', [ShellCommand, ExecCommand]);
export type CommandRequest = z.infer<typeof CommandRequest>;
export type ShellCommand = z.infer<typeof ShellCommand>;
export type ExecCommand = z.infer<typeof ExecCommand>;

export const CommandStatus = z.enum([
  /** Exit code 0. */
  'succeeded',
  /** Non-zero exit code or killed by a signal. */
  'failed',
  'timed_out',
  'cancelled',
  /** Not started: bad signature, expired, wrong computer, local policy, … (see `message`). */
  'refused',
  /** Could not be started (program not found, spawn error). */
  'error',
]);
export type CommandStatus = z.infer<typeof CommandStatus>;

export { canonicalCommandBytes, canonicalJson } from './canonical.js';
