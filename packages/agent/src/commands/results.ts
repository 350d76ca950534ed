import type { CommandResultFrame, CommandStatus } from '@labmgr/protocol';
import type { ProcessOutcome } from './run-process.js';

/** The frame's limit on `message`. */
const MAX_MESSAGE = 1024;

/** A result for a command that never started: refused, or could not be launched. */
export function notStartedResult(
  commandId: string,
  status: CommandStatus,
  message: string,
  now: number,
): CommandResultFrame {
  return {
    type: 'command-result',
    commandId,
    status,
    exitCode: null,
    signal: null,
    startedAt: null,
    finishedAt: now,
    durationMs: 0,
    truncated: false,
    message: clip(message),
  };
}

export interface FinishedRun {
  readonly commandId: string;
  readonly outcome: ProcessOutcome;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly timeoutSec: number;
  readonly truncated: boolean;
  /** The program, for a spawn error message. */
  readonly file: string;
}

/** Maps how the process ended to the protocol's status and a message for people. */
export function finishedResult(run: FinishedRun): CommandResultFrame {
  const { outcome } = run;
  const [status, message] = describe(run);
  return {
    type: 'command-result',
    commandId: run.commandId,
    status,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    startedAt: outcome.spawnError ? null : run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: outcome.spawnError ? 0 : Math.max(0, run.finishedAt - run.startedAt),
    truncated: run.truncated,
    message: message === null ? null : clip(message),
  };
}

function describe(run: FinishedRun): [CommandStatus, string | null] {
  const { outcome } = run;
  if (outcome.spawnError) {
    const code = 'code' in outcome.spawnError ? outcome.spawnError.code : undefined;
    const why = code === 'ENOENT' ? `program not found: ${run.file}` : `cannot start ${run.file}`;
    return ['error', `${why} (${outcome.spawnError.message})`];
  }
  switch (outcome.stoppedFor) {
    case 'timed_out':
      return ['timed_out', `timed out after ${run.timeoutSec} s; the process tree was killed`];
    case 'cancelled':
      return ['cancelled', 'cancelled; the process tree was killed'];
    case 'shutdown':
      return ['failed', 'agent shut down while the command ran; the process tree was killed'];
    case null:
      if (outcome.exitCode === 0) return ['succeeded', null];
      return ['failed', outcome.signal === null ? null : `killed by ${outcome.signal}`];
  }
}

function clip(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 1)}…`;
}
