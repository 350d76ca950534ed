import { z } from 'zod';
import { CommandStatus, PowerAction } from './commands.js';
import { ComputerId, IsoDateTime } from './common.js';
import { LabId, Tag } from './labs.js';

// ---- browser/scripts -> backend: commands (jobs) on many computers ------------
// One command (a "job") fans out to one run per target computer; each run is
// signed separately (its own id and computerId) and reported separately.

/** Which computers a command runs on; at least one selector, combined as a union. */
export const CommandTargets = z
  .object({
    computerIds: z.array(ComputerId).min(1).max(10_000).optional(),
    /** Every computer of this lab. */
    labId: LabId.optional(),
    /** Every computer carrying this tag. */
    tag: Tag.optional(),
    /** Every computer that is online now. */
    allOnline: z.literal(true).optional(),
  })
  .refine((t) => t.computerIds || t.labId || t.tag || t.allOnline, {
    message: 'name at least one of computerIds, labId, tag, allOnline',
  });
export type CommandTargets = z.infer<typeof CommandTargets>;

/** Local account to run as where the agent supports it; null: the agent's own. */
const RunAs = z.string().min(1).max(64).nullable().default(null);

const CreateBase = {
  targets: CommandTargets,
  /** The agent kills the whole process tree after this long. @default 60 */
  timeoutSec: z.number().int().min(1).max(86_400).default(60),
  /**
   * How long the command may wait for an agent that is reconnecting before it
   * expires unstarted (also its signature's validity). @default 300
   */
  queueTtlSec: z.number().int().min(1).max(3600).default(300),
};

/** `POST /api/v1/commands`: a script run by a shell. */
export const ShellCommandCreate = z.object({
  ...CreateBase,
  kind: z.literal('shell'),
  command: z.string().min(1).max(65_536),
  /** @default 'sh' (PowerShell or cmd for Windows computers) */
  shell: z.enum(['sh', 'bash', 'powershell', 'cmd']).default('sh'),
  /** Local account to run as where the agent supports it; null: the agent's own. */
  runAs: RunAs,
});

/** `POST /api/v1/commands`: a program started with its arguments, no shell. */
export const ExecCommandCreate = z.object({
  ...CreateBase,
  kind: z.literal('exec'),
  argv: z.array(z.string().max(4096)).min(1).max(256),
  runAs: RunAs,
});

/** `POST /api/v1/commands`: reboot, shut down, log off or lock, after a delay, with a notice first. */
export const PowerCommandCreate = z.object({
  ...CreateBase,
  kind: z.literal('power'),
  action: PowerAction,
  /** Seconds before it happens (reboot/shutdown round up to whole minutes on Linux and macOS). @default 0 */
  delaySec: z.number().int().min(0).max(86_400).default(0),
  /** Shown to whoever is logged in before it happens. */
  message: z.string().min(1).max(1000).nullable().default(null),
});

/** `POST /api/v1/commands`: a notice to the people logged in. */
export const MessageCommandCreate = z.object({
  ...CreateBase,
  kind: z.literal('message'),
  title: z.string().min(1).max(120),
  text: z.string().min(1).max(2000),
});

/**
 * `POST /api/v1/commands`: wake sleeping computers. For each target an online
 * computer on its network (the same IPv4 subnet, by the inventories) sends the
 * magic packets for the target's MAC addresses.
 */
export const WakeCommandCreate = z.object({
  ...CreateBase,
  kind: z.literal('wake'),
  /** @default 9 (discard; 7 is the other usual one) */
  port: z.number().int().min(1).max(65_535).default(9),
  /** Send from this computer instead of one picked by subnet. */
  via: ComputerId.optional(),
  /** Send to this IPv4 address instead of the subnet's broadcast (a host, or 255.255.255.255). */
  broadcast: z.ipv4().optional(),
});

/**
 * `POST /api/v1/commands`: a script of the library, at its current version (or
 * `version`), with `params` for its parameters (each set as a shell variable
 * of its name before the body; values are quoted, never spliced).
 */
export const ScriptCommandCreate = z.object({
  ...CreateBase,
  kind: z.literal('script'),
  scriptId: z.string().min(1).max(64),
  version: z.number().int().min(1).optional(),
  params: z.record(z.string().max(64), z.string().max(4096)).default({}),
  runAs: RunAs,
});

export const CommandCreate = z.discriminatedUnion('kind', [
  ShellCommandCreate,
  ExecCommandCreate,
  PowerCommandCreate,
  MessageCommandCreate,
  WakeCommandCreate,
  ScriptCommandCreate,
]);
export type CommandCreate = z.infer<typeof CommandCreate>;

/**
 * Where one computer's run stands. Before the agent: `pending` (being sent),
 * `queued` (waiting at the relay for the agent to reconnect), `sent` (on the
 * agent's connection). Then `running`, and one final state: the agent's result
 * (`succeeded`, `failed`, `timed_out`, `cancelled`, `refused`, `error`), or
 * `unreachable` (no relay holds the computer), `expired` (it waited in the
 * queue past its TTL) or `lost` (delivered, but no result came back in time).
 */
export const RunStatus = z.enum([
  'pending',
  'queued',
  'sent',
  'running',
  ...CommandStatus.options,
  'unreachable',
  'expired',
  'lost',
]);
export type RunStatus = z.infer<typeof RunStatus>;

export const FINAL_RUN_STATUSES: readonly RunStatus[] = [
  ...CommandStatus.options,
  'unreachable',
  'expired',
  'lost',
];

export const CommandRun = z.object({
  computerId: ComputerId,
  /** The computer that carried it out, when another one (the wake-on-LAN sender). */
  executorId: ComputerId.nullable(),
  /** Hostname (or display name) when the command was issued. */
  computerName: z.string(),
  status: RunStatus,
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  /** Output was cut (by the agent's cap or the server's). */
  truncated: z.boolean(),
  /** Why it was refused, failed to start, expired, … */
  message: z.string().nullable(),
  startedAt: IsoDateTime.nullable(),
  finishedAt: IsoDateTime.nullable(),
  durationMs: z.number().int().nullable(),
});
export type CommandRun = z.infer<typeof CommandRun>;

/** A command is `running` until every run is final, then `completed`. */
export const JobStatus = z.enum(['running', 'completed']);

export const CommandKind = z.enum(['shell', 'exec', 'power', 'message', 'wake', 'script']);
export type CommandKind = z.infer<typeof CommandKind>;

export const CommandSummary = z.object({
  id: z.uuid(),
  kind: CommandKind,
  /** For people: the script, the argv joined, the power action, or the message's title. */
  command: z.string(),
  shell: z.string().nullable(),
  argv: z.array(z.string()).nullable(),
  runAs: z.string().nullable(),
  /** A power action's details. */
  power: z
    .object({ action: PowerAction, delaySec: z.number().int(), message: z.string().nullable() })
    .nullable(),
  /** A message's title and text. */
  notice: z.object({ title: z.string(), text: z.string() }).nullable(),
  /** The library script a command ran: which, at which version, with which values. */
  script: z
    .object({
      id: z.string(),
      name: z.string(),
      version: z.number().int(),
      params: z.record(z.string(), z.string()),
    })
    .nullable(),
  /** A wake-on-LAN's port and, when given, its sender and address. */
  wake: z
    .object({ port: z.number().int(), via: z.string().nullable(), broadcast: z.string().nullable() })
    .nullable(),
  timeoutSec: z.number().int(),
  targets: CommandTargets,
  status: JobStatus,
  createdAt: IsoDateTime,
  createdBy: z.object({ id: z.string(), username: z.string() }).nullable(),
  finishedAt: IsoDateTime.nullable(),
  /** Runs per status, e.g. `{ "succeeded": 28, "failed": 2 }`. */
  counts: z.record(z.string(), z.number().int()),
  /** Copied from: a re-run names the command it repeats. */
  rerunOf: z.uuid().nullable(),
});
export type CommandSummary = z.infer<typeof CommandSummary>;

export const CommandDetail = CommandSummary.extend({ runs: z.array(CommandRun) });
export type CommandDetail = z.infer<typeof CommandDetail>;

export const CommandList = z.object({ items: z.array(CommandSummary), total: z.number().int() });
export type CommandList = z.infer<typeof CommandList>;

export const CommandListQuery = z.object({
  status: JobStatus.optional(),
  /** Commands that ran (or run) on this computer. */
  computerId: ComputerId.optional(),
  /** Commands created by this user id. */
  createdBy: z.string().max(64).optional(),
  kind: CommandKind.optional(),
  /** Case-insensitive text in what was sent: the command, script name and values, power notice, message. */
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type CommandListQuery = z.infer<typeof CommandListQuery>;

export const CommandIdParams = z.object({ id: z.uuid() });

/** Pushed to browsers when a run changes state (output goes separately). */
export const LiveCommandRun = z.object({
  type: z.literal('command.run'),
  commandId: z.uuid(),
  run: CommandRun.omit({ stdout: true, stderr: true }),
});

/** A chunk of a run's output, as it arrives. */
export const LiveCommandOutput = z.object({
  type: z.literal('command.output'),
  commandId: z.uuid(),
  computerId: ComputerId,
  stream: z.enum(['stdout', 'stderr']),
  data: z.string(),
});
