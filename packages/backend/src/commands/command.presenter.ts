import type {
  CommandDetail,
  CommandRun,
  CommandSummary,
  CommandTargets,
  PowerAction,
  RunStatus,
} from '@labmgr/protocol';
import type { CommandRow, RunRow } from './command.repository.js';

/** What `commands.payload` holds. */
export interface CommandPayload {
  command: string | null;
  shell: 'sh' | 'bash' | 'powershell' | 'cmd' | null;
  argv: string[] | null;
  runAs: string | null;
  power?: { action: PowerAction; delaySec: number; message: string | null } | null;
  notice?: { title: string; text: string } | null;
  wake?: { port: number; via: string | null; broadcast: string | null } | null;
  script?: { id: string; name: string; version: number; params: Record<string, string> } | null;
}

/** The one line people read for a command in lists and the audit log. */
export function describeCommand(p: CommandPayload): string {
  if (p.power) {
    const delay = p.power.delaySec > 0 ? ` in ${p.power.delaySec} s` : '';
    return `${p.power.action}${delay}${p.power.message ? `: ${p.power.message}` : ''}`;
  }
  if (p.notice) return `message: ${p.notice.title}`;
  if (p.wake) return 'wake-on-LAN';
  if (p.script) return `script: ${p.script.name} v${p.script.version}`;
  return p.command ?? (p.argv ?? []).join(' ');
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
  return {
    id: row.id,
    kind: row.kind,
    command: describeCommand(payload),
    shell: payload.shell,
    argv: payload.argv,
    runAs: payload.runAs,
    power: payload.power ?? null,
    notice: payload.notice ?? null,
    wake: payload.wake ?? null,
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
