import type {
  CommandCreate,
  CommandDetail,
  CommandRun,
  CommandSummary,
  CommandTargets,
  RunStatus,
} from '@labmgr/protocol';
import type { CommandRow, RunRow } from './command.repository.js';

/**
 * What `commands.payload` holds: the request as it went out, without targets
 * and timings (they have columns), and for a library script which one it was.
 */
export interface CommandPayload {
  spec: CommandSpec;
  script?: { id: string; name: string; version: number; params: Record<string, string> };
}

/** A command request less its targets and timings; a library script appears as the shell command it became. */
export type CommandSpec = DistributiveOmit<
  Exclude<CommandCreate, { kind: 'script' }>,
  'targets' | 'timeoutSec' | 'queueTtlSec'
>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The one line people read for a command in lists and the audit log. */
export function describeCommand({ spec, script }: CommandPayload): string {
  if (script) return `script: ${script.name} v${script.version}`;
  switch (spec.kind) {
    case 'shell':
      return spec.command;
    case 'exec':
      return spec.argv.join(' ');
    case 'power':
      return `${spec.action}${spec.delaySec > 0 ? ` in ${spec.delaySec} s` : ''}${spec.message ? `: ${spec.message}` : ''}`;
    case 'message':
      return `message: ${spec.title}`;
    case 'wake':
      return 'wake-on-LAN';
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export function toRun(row: RunRow): CommandRun {
  return {
    computerId: row.computer_id,
    executorId: row.executor_id,
    computerName: row.computer_name,
    status: row.status as RunStatus,
    exitCode: row.exit_code,
    signal: row.signal,
    stdout: row.stdout,
    stderr: row.stderr,
    truncated: row.truncated === 1,
    message: row.message,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
  };
}

/** A run as live events carry it: without its output, which has events of its own. */
export function toRunState(row: RunRow): Omit<CommandRun, 'stdout' | 'stderr'> {
  const { stdout: _out, stderr: _err, ...state } = toRun(row);
  return state;
}

export function toSummary(
  row: CommandRow,
  counts: Record<string, number>,
  creator: { id: string; username: string } | null,
): CommandSummary {
  const payload = JSON.parse(row.payload) as CommandPayload;
  const { spec } = payload;
  return {
    id: row.id,
    kind: row.kind,
    command: describeCommand(payload),
    shell: spec.kind === 'shell' ? spec.shell : null,
    argv: spec.kind === 'exec' ? spec.argv : null,
    runAs: spec.kind === 'shell' || spec.kind === 'exec' ? spec.runAs : null,
    power:
      spec.kind === 'power' ? { action: spec.action, delaySec: spec.delaySec, message: spec.message } : null,
    notice: spec.kind === 'message' ? { title: spec.title, text: spec.text } : null,
    wake:
      spec.kind === 'wake'
        ? { port: spec.port, via: spec.via ?? null, broadcast: spec.broadcast ?? null }
        : null,
    script: payload.script ?? null,
    timeoutSec: row.timeout_sec,
    targets: JSON.parse(row.targets) as CommandTargets,
    status: row.finished_at === null ? 'running' : 'completed',
    createdAt: new Date(Number(row.created_at)).toISOString(),
    createdBy: creator,
    finishedAt: iso(row.finished_at),
    counts,
    rerunOf: row.rerun_of,
  };
}

export function toDetail(
  row: CommandRow,
  runs: RunRow[],
  creator: { id: string; username: string } | null,
): CommandDetail {
  const counts: Record<string, number> = {};
  for (const r of runs) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return { ...toSummary(row, counts, creator), runs: runs.map(toRun) };
}
