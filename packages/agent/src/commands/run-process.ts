import type { ChildProcess } from 'node:child_process';
import { childProcess } from '../lazy-builtins.js';
import type { LaunchSpec } from './launch.js';
import type { OutputStream } from './output.js';

/** Why the agent stopped a process before it ended on its own. */
export type StopReason = 'timed_out' | 'cancelled' | 'shutdown';

export interface ProcessOutcome {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Set when the agent stopped it; null when it ended by itself. */
  readonly stoppedFor: StopReason | null;
  /** The process could not be started at all (program missing, bad cwd, …). */
  readonly spawnError: Error | null;
}

export interface ProcessOptions {
  readonly timeoutMs: number;
  /** Between SIGTERM and SIGKILL, and again before giving up on the pipes. @default 2000 */
  readonly killGraceMs?: number;
  /** The process exists (Node's `spawn` event): only now is it "started". */
  readonly onSpawn: () => void;
  readonly onOutput: (stream: OutputStream, data: Buffer) => void;
}

export interface RunningProcess {
  readonly done: Promise<ProcessOutcome>;
  /** Kills the whole process tree: SIGTERM to its group, SIGKILL after the grace period. */
  stop(reason: StopReason): void;
}

const isWindows = process.platform === 'win32';

/**
 * Starts one command process and watches it to the end. On Unix it leads its
 * own process group (`detached`), so a timeout or cancel reaches children and
 * grandchildren too, not just the shell. The outcome resolves once the process
 * has exited and its pipes are closed (a background child still holding them
 * keeps the command running, until its timeout).
 */
export function runProcess(spec: LaunchSpec, options: ProcessOptions): RunningProcess {
  const grace = options.killGraceMs ?? 2000;
  let child: ChildProcess;
  try {
    child = childProcess().spawn(spec.file, spec.args, {
      ...spec.options,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: !isWindows,
      windowsHide: true,
    });
  } catch (err) {
    // Synchronous refusals, e.g. a NUL byte in an argument.
    const spawnError = err instanceof Error ? err : new Error(String(err));
    return {
      done: Promise.resolve({ exitCode: null, signal: null, stoppedFor: null, spawnError }),
      stop: () => undefined,
    };
  }

  let stoppedFor: StopReason | null = null;
  let closed = false;
  const timers: NodeJS.Timeout[] = [];
  const stop = (reason: StopReason): void => {
    if (stoppedFor !== null || closed) return;
    stoppedFor = reason;
    signalTree(child, 'SIGTERM');
    timers.push(
      setTimeout(() => signalTree(child, 'SIGKILL'), grace),
      // A process that left the group (setsid) can hold the pipes for ever; stop waiting for them.
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, 2 * grace),
    );
  };
  timers.push(setTimeout(() => stop('timed_out'), options.timeoutMs));

  child.stdout?.on('data', (data: Buffer) => options.onOutput('stdout', data));
  child.stderr?.on('data', (data: Buffer) => options.onOutput('stderr', data));
  child.once('spawn', options.onSpawn);

  const done = new Promise<ProcessOutcome>((resolve) => {
    const finish = (outcome: ProcessOutcome): void => {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      resolve(outcome);
    };
    child.once('error', (spawnError) => {
      // 'error' also reports a failed kill; only a process that never started ends here.
      if (child.pid === undefined) finish({ exitCode: null, signal: null, stoppedFor: null, spawnError });
    });
    child.once('close', (exitCode, signal) => finish({ exitCode, signal, stoppedFor, spawnError: null }));
  });
  return { done, stop };
}

function signalTree(child: ChildProcess, signal: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (isWindows) {
    // UNTESTED: Windows has no process groups; taskkill /T walks the tree, /F forces.
    childProcess()
      .spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true })
      .on('error', () => undefined);
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the whole group is already gone.
  }
}
