import type {
  CommandDetail,
  CommandKind,
  CommandSummary,
  CommandTargets,
  LiveEvent,
  RunStatus,
} from '@labmgr/protocol';
import { FINAL_RUN_STATUSES } from '@labmgr/protocol';
import { formatUptime } from '../../format/time.js';

export const KIND_NAME: Record<CommandKind, string> = {
  shell: 'Shell',
  exec: 'Program',
  script: 'Script',
  power: 'Power',
  message: 'Message',
  wake: 'Wake',
};

export const RUN_STATUS_LABEL: Record<RunStatus, string> = {
  pending: 'Sending',
  queued: 'Queued',
  sent: 'Sent',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  timed_out: 'Timed out',
  cancelled: 'Cancelled',
  refused: 'Refused',
  error: 'Error',
  unreachable: 'Unreachable',
  expired: 'Expired',
  lost: 'Lost',
};

/** Mantine colour per run status: green done, red broken, orange stopped short, grey never reached. */
export const RUN_STATUS_COLOR: Record<RunStatus, string> = {
  pending: 'gray',
  queued: 'cyan',
  sent: 'blue',
  running: 'blue',
  succeeded: 'teal',
  failed: 'red',
  timed_out: 'orange',
  cancelled: 'gray',
  refused: 'grape',
  error: 'red',
  unreachable: 'yellow',
  expired: 'yellow',
  lost: 'orange',
};

/** Order of the count badges: what needs attention first, then what went well, then what is still moving. */
const STATUS_ORDER: readonly RunStatus[] = [
  'failed',
  'error',
  'timed_out',
  'refused',
  'unreachable',
  'expired',
  'lost',
  'cancelled',
  'succeeded',
  'running',
  'sent',
  'queued',
  'pending',
];

export const isRunStatus = (s: string): s is RunStatus => s in RUN_STATUS_LABEL;
export const isFinal = (s: RunStatus): boolean => FINAL_RUN_STATUSES.includes(s);

/** A job's run counts as badges, in {@link STATUS_ORDER}, empty ones left out. */
export function statusCounts(counts: Record<string, number>): { status: RunStatus; count: number }[] {
  return STATUS_ORDER.filter((s) => (counts[s] ?? 0) > 0).map((s) => ({ status: s, count: counts[s] ?? 0 }));
}

export interface JobProgress {
  total: number;
  done: number;
  succeeded: number;
}

export function jobProgress(counts: Record<string, number>): JobProgress {
  let total = 0;
  let done = 0;
  for (const [status, n] of Object.entries(counts)) {
    total += n;
    if (isRunStatus(status) && isFinal(status)) done += n;
  }
  return { total, done, succeeded: counts.succeeded ?? 0 };
}

export type JobState = 'running' | 'succeeded' | 'cancelled' | 'partial' | 'failed';

export const JOB_STATE: Record<JobState, { label: string; color: string }> = {
  running: { label: 'Running', color: 'blue' },
  succeeded: { label: 'Succeeded', color: 'teal' },
  cancelled: { label: 'Cancelled', color: 'gray' },
  partial: { label: 'Partly failed', color: 'orange' },
  failed: { label: 'Failed', color: 'red' },
};

/** The job as one word: still running, or how it ended (by its runs). */
export function jobState(job: Pick<CommandSummary, 'status' | 'counts'>): JobState {
  if (job.status === 'running') return 'running';
  const { total, succeeded } = jobProgress(job.counts);
  if (total > 0 && succeeded === total) return 'succeeded';
  // Stopped on purpose is not a failure.
  const cancelled = job.counts.cancelled ?? 0;
  if (cancelled > 0 && succeeded + cancelled === total) return 'cancelled';
  return succeeded === 0 ? 'failed' : 'partial';
}

const POWER_WORD = { reboot: 'Reboot', shutdown: 'Shut down', logoff: 'Log off', lock: 'Lock' } as const;

/** What ran, in a line: the command, the script and its version, the power action, the message title. */
export function jobWhat(job: CommandSummary): string {
  if (job.script) return `${job.script.name} (v${job.script.version})`;
  if (job.power) {
    const delay = job.power.delaySec > 0 ? ` in ${formatUptime(job.power.delaySec)}` : '';
    return `${POWER_WORD[job.power.action]}${delay}`;
  }
  if (job.notice) return job.notice.title;
  if (job.kind === 'wake') return 'Wake-on-LAN';
  return job.command;
}

export interface TargetNames {
  computer: (id: string) => string | undefined;
  lab: (id: string) => string | undefined;
}

/** The target as people read it: "pc-07", "12 computers", "Lab Room 101", "Tag gpu", "All online". */
export function targetText(targets: CommandTargets, names: TargetNames): string {
  const parts: string[] = [];
  if (targets.computerIds) {
    const [first] = targets.computerIds;
    parts.push(
      targets.computerIds.length === 1 && first
        ? (names.computer(first) ?? '1 computer')
        : `${targets.computerIds.length} computers`,
    );
  }
  if (targets.labId) parts.push(`Lab ${names.lab(targets.labId) ?? targets.labId}`);
  if (targets.tag) parts.push(`Tag ${targets.tag}`);
  if (targets.allOnline) parts.push('All online');
  return parts.join(' + ');
}

/** Counts per status of a job's runs. */
export function countRuns(runs: readonly { status: RunStatus }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of runs) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/**
 * A job with its live events applied: run changes replace the run's fields
 * (not its output), output chunks are appended. The job is marked completed
 * once every run is final; the page then reloads it for the server's times.
 */
export function applyJobEvents(job: CommandDetail, events: readonly LiveEvent[]): CommandDetail {
  const mine = events.filter(
    (e) => (e.type === 'command.run' || e.type === 'command.output') && e.commandId === job.id,
  );
  if (mine.length === 0) return job;
  // One copy and one index for the batch: a 1,000-computer job sends thousands of events a second.
  const runs = [...job.runs];
  const index = new Map(runs.map((r, i) => [r.computerId, i]));
  let changed = false;
  for (const event of mine) {
    const computerId =
      event.type === 'command.run'
        ? event.run.computerId
        : event.type === 'command.output'
          ? event.computerId
          : '';
    const i = index.get(computerId);
    const current = i === undefined ? undefined : runs[i];
    if (i === undefined || !current) continue;
    if (event.type === 'command.run') runs[i] = { ...current, ...event.run };
    else if (event.type === 'command.output')
      runs[i] = { ...current, [event.stream]: current[event.stream] + event.data };
    changed = true;
  }
  if (!changed) return job;
  const allFinal = runs.every((r) => isFinal(r.status));
  return { ...job, runs, counts: countRuns(runs), status: allFinal ? 'completed' : 'running' };
}

/** Does this batch of events concern any of these jobs, or a job not listed yet? */
export function touchesJobs(events: readonly LiveEvent[], ids: ReadonlySet<string>): 'listed' | 'new' | null {
  let result: 'listed' | 'new' | null = null;
  for (const e of events) {
    if (e.type !== 'command.run') continue;
    if (ids.has(e.commandId)) result = 'listed';
    else return 'new';
  }
  return result;
}

/**
 * A run's duration: the server's once finished, else the time since it started.
 * @example formatDuration(1500) // "1.5 s"
 */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatUptime(ms / 1000);
}
