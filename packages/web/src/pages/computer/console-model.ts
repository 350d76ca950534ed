import type { CommandRun, LiveEvent, RunStatus } from '@labmgr/protocol';
import { FINAL_RUN_STATUSES } from '@labmgr/protocol';

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: string;
}

/** The console's command on this computer, as live events report it. */
export interface ConsoleRun {
  commandId: string;
  command: string;
  status: RunStatus;
  exitCode: number | null;
  /** Why it failed to start, was refused, expired… */
  message: string | null;
  chunks: OutputChunk[];
}

/** Output kept at most (characters); older output falls off the top. */
export const MAX_OUTPUT_CHARS = 200_000;

export function isFinal(status: RunStatus): boolean {
  return FINAL_RUN_STATUSES.includes(status);
}

function trimChunks(chunks: OutputChunk[]): OutputChunk[] {
  let total = chunks.reduce((n, c) => n + c.data.length, 0);
  let start = 0;
  while (total > MAX_OUTPUT_CHARS && start < chunks.length - 1) {
    total -= chunks[start]?.data.length ?? 0;
    start++;
  }
  return start === 0 ? chunks : chunks.slice(start);
}

/**
 * Folds live events into the run: its output chunks in arrival order and its
 * state changes. Events of other commands or computers leave it unchanged
 * (the same object, so React skips the render).
 */
export function foldConsoleEvents(
  run: ConsoleRun,
  events: readonly LiveEvent[],
  computerId: string,
): ConsoleRun {
  let next = run;
  for (const e of events) {
    if (e.type === 'command.output' && e.commandId === run.commandId && e.computerId === computerId) {
      next = { ...next, chunks: trimChunks([...next.chunks, { stream: e.stream, data: e.data }]) };
    } else if (e.type === 'command.run' && e.commandId === run.commandId && e.run.computerId === computerId) {
      next = { ...next, status: e.run.status, exitCode: e.run.exitCode, message: e.run.message };
    }
  }
  return next;
}

/**
 * The stored run once it is over: its output replaces the live chunks when
 * it holds more (chunks missed while the socket reconnected).
 */
export function settleRun(run: ConsoleRun, stored: CommandRun): ConsoleRun {
  const live = run.chunks.reduce((n, c) => n + c.data.length, 0);
  const kept = stored.stdout.length + stored.stderr.length;
  const chunks: OutputChunk[] =
    kept > live
      ? [
          ...(stored.stdout ? [{ stream: 'stdout' as const, data: stored.stdout }] : []),
          ...(stored.stderr ? [{ stream: 'stderr' as const, data: stored.stderr }] : []),
        ]
      : run.chunks;
  return { ...run, status: stored.status, exitCode: stored.exitCode, message: stored.message, chunks };
}

const STATUS_COLOR: Partial<Record<RunStatus, string>> = {
  succeeded: 'green',
  running: 'blue',
  failed: 'red',
  error: 'red',
  refused: 'orange',
  timed_out: 'orange',
  unreachable: 'gray',
  expired: 'gray',
  lost: 'gray',
  cancelled: 'gray',
};

export function runStatusColor(status: string): string {
  return STATUS_COLOR[status as RunStatus] ?? 'indigo';
}

export function runStatusLabel(status: string): string {
  return status.replace('_', ' ');
}
