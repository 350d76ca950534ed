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

/** What a power or session action does to the computer. */
export const PowerAction = z.enum(['reboot', 'shutdown', 'logoff', 'lock']);
export type PowerAction = z.infer<typeof PowerAction>;

/**
 * Reboot, shut down, log the user off or lock the screen, after `delaySec`,
 * showing `message` to whoever is logged in first. The agent picks the
 * operating system's own tool (see the agent's README).
 */
export const PowerCommand = z.object({
  ...CommandBase,
  kind: z.literal('power'),
  action: PowerAction,
  delaySec: z.number().int().min(0).max(86_400),
  message: z.string().min(1).max(1000).nullable(),
});

/** A notice shown to the people logged in ("the lab closes in 10 minutes"). */
export const MessageCommand = z.object({
  ...CommandBase,
  kind: z.literal('message'),
  title: z.string().min(1).max(120),
  text: z.string().min(1).max(2000),
});

/** A MAC address as `aa:bb:cc:dd:ee:ff` (either case). */
export const MacAddress = z.string().regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/);

/**
 * Wake-on-LAN, sent by an agent on the sleeping computers' network: a magic
 * packet per MAC address to `broadcast`:`port` over UDP. `computerId` is the
 * sender's; the backend records the result against the computer being woken.
 */
export const WakeCommand = z.object({
  ...CommandBase,
  kind: z.literal('wake'),
  macs: z.array(MacAddress).min(1).max(64),
  /** An IPv4 address: the subnet's directed broadcast, 255.255.255.255, or (tests) a host. */
  broadcast: z.ipv4(),
  port: z.number().int().min(1).max(65_535),
});

export const CommandRequest = z.discriminatedUnion('kind', [
  ShellCommand,
  ExecCommand,
  PowerCommand,
  MessageCommand,
  WakeCommand,
]);
export type CommandRequest = z.infer<typeof CommandRequest>;
export type ShellCommand = z.infer<typeof ShellCommand>;
export type ExecCommand = z.infer<typeof ExecCommand>;
export type PowerCommand = z.infer<typeof PowerCommand>;
export type MessageCommand = z.infer<typeof MessageCommand>;
export type WakeCommand = z.infer<typeof WakeCommand>;

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
