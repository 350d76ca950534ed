import type { CommandFrame, CommandRequest, CommandResultFrame, CommandStatus } from '@labmgr/protocol';
import type { CommandProgressFrame } from '../connection/command-outbox.js';
import type { Logger } from '../logging/logger.js';
import { CommandJournal } from './journal.js';
import { type LaunchSpec, prepareLaunch } from './launch.js';
import { OutputCollector } from './output.js';
import { type CommandPolicy, policyRefusal } from './policy.js';
import { finishedResult, notStartedResult } from './results.js';
import { type RunningProcess, runProcess } from './run-process.js';
import { authenticityRefusal, freshnessRefusal, loadSigningKey, type SigningKey } from './verify.js';

/** The commands module's name for the connection's `CommandProgressFrame` (one definition, two names). */
export type CommandEventFrame = CommandProgressFrame;

export interface CommandServiceOptions {
  /** The agent's state dir; the at-most-once journal lives there. */
  readonly stateDir: string;
  /** This agent's computer id; commands for another are refused. */
  readonly computerId: string;
  /** Ed25519 public key (PEM) pinned at enrollment; null refuses every command. */
  readonly commandPublicKey: string | null;
  readonly policy: CommandPolicy;
  /** Hands a frame to the connection; must not block. */
  send(frame: CommandEventFrame): void;
  readonly logger: Logger;
  /** @default Date.now */
  readonly now?: () => number;
  /** Commands running at once. @default 4 */
  readonly maxConcurrent?: number;
  /** Commands waiting for a slot; beyond this they are refused "agent busy". @default 32 */
  readonly maxQueued?: number;
  /** Output (both streams, bytes) sent per command before `truncated`. @default 1 MiB */
  readonly outputCapBytes?: number;
  /** SIGTERM-to-SIGKILL grace when a process tree is killed. @default 2000 */
  readonly killGraceMs?: number;
}

type Stop = 'cancelled' | 'shutdown';

interface Job {
  readonly command: CommandRequest;
  phase: 'preparing' | 'queued' | 'running';
  spec: LaunchSpec | null;
  /** Cancel or shutdown asked for; acted on as soon as the job reaches a point where it can stop. */
  stop: Stop | null;
  process: RunningProcess | null;
}

/**
 * Runs signed commands from the backend, at most once each. Every frame goes
 * through: duplicate check (a known id only gets its stored result re-sent,
 * nothing runs) → authenticity (signature, computer) → freshness → local
 * policy → capacity → launch checks (runAs) → queue → durable "started"
 * record → spawn. Whatever happens, the backend hears back through `send`
 * (nothing throws out of `handle`).
 */
export class CommandService {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private readonly tasks = new Set<Promise<void>>();
  /** Resolves once the journal is open (or failed to); `journal` is set from then on. */
  private readonly journalReady: Promise<void>;
  private journal: CommandJournal | Error = new Error('command journal not open yet');
  private readonly signingKey: SigningKey;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly maxConcurrent: number;
  private readonly maxQueued: number;
  private running = 0;
  private closing: Promise<void> | null = null;

  constructor(private readonly options: CommandServiceOptions) {
    this.log = options.logger;
    this.now = options.now ?? Date.now;
    this.maxConcurrent = options.maxConcurrent ?? 4;
    this.maxQueued = options.maxQueued ?? 32;
    this.signingKey = loadSigningKey(options.commandPublicKey);
    if (!this.signingKey.ok) this.log.warn({ reason: this.signingKey.why }, 'every command will be refused');
    this.journalReady = CommandJournal.open(options.stateDir, {
      now: this.now,
      onSkipped: (count) => this.log.warn({ count }, 'skipped unreadable lines in the command journal'),
    }).then(
      (journal) => {
        this.journal = journal;
      },
      (err: unknown) => {
        this.log.error({ err }, 'cannot open the command journal; every command will fail');
        this.journal = err instanceof Error ? err : new Error(String(err));
      },
    );
  }

  /** Takes a command frame from the relay; the outcome arrives as frames through `send`. */
  handle(frame: CommandFrame): void {
    try {
      this.track(frame.command.id, this.admit(frame));
    } catch (err) {
      this.log.error({ err }, 'cannot handle command frame');
    }
  }

  /** Stops a queued or running command (its whole process tree); the result says `cancelled`. */
  cancel(commandId: string): void {
    try {
      const job = this.jobs.get(commandId);
      if (!job) {
        this.log.info({ commandId }, 'cancel for a command that is not waiting or running; ignored');
        return;
      }
      this.log.info({ commandId }, 'cancelling command');
      this.stopJob(job, 'cancelled');
    } catch (err) {
      this.log.error({ err, commandId }, 'cannot cancel command');
    }
  }

  /** Kills running commands (reported `failed`), refuses queued ones, and flushes the journal. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const job of [...this.jobs.values()]) this.stopJob(job, 'shutdown');
      while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
      await this.journalReady;
      if (!(this.journal instanceof Error)) await this.journal.close();
    })();
    return this.closing;
  }

  private async admit(frame: CommandFrame): Promise<void> {
    const { command } = frame;
    await this.journalReady;
    // From here to the `jobs.set` below nothing awaits, so a duplicate cannot slip in between.
    const journal = this.journal;
    if (this.closing) {
      this.log.info({ commandId: command.id }, 'agent shutting down; command ignored');
      return;
    }
    if (this.jobs.has(command.id)) {
      this.log.info({ commandId: command.id }, 'duplicate delivery of a command in progress; ignored');
      return;
    }
    const known = journal instanceof Error ? undefined : journal.get(command.id);
    if (known) {
      // Started without a result can only mean a failed journal write; never run it again either way.
      this.log.info(
        { commandId: command.id, resent: known.result !== null },
        'duplicate delivery of a finished command',
      );
      if (known.result) this.send(known.result);
      return;
    }
    // An unauthenticated frame must not claim an id: its refusal is sent, never recorded.
    const forged = authenticityRefusal(frame, this.signingKey, this.options.computerId);
    if (forged) return this.reject(command, 'refused', forged, false);
    if (journal instanceof Error) {
      const why = `cannot keep the at-most-once record in ${this.options.stateDir}: ${journal.message}`;
      return this.reject(command, 'error', why, false);
    }
    const refusal = freshnessRefusal(frame, this.now()) ?? policyRefusal(this.options.policy, command);
    if (refusal) return this.reject(command, 'refused', refusal, true);
    if (this.jobs.size >= this.maxConcurrent + this.maxQueued) {
      const busy = `agent busy: ${this.running} commands running and ${this.jobs.size - this.running} waiting`;
      return this.reject(command, 'refused', busy, true);
    }
    const job: Job = { command, phase: 'preparing', spec: null, stop: null, process: null };
    this.jobs.set(command.id, job);
    const launch = await prepareLaunch(command);
    if (!launch.ok) return this.reject(command, launch.status, launch.message, true);
    if (job.stop) return this.rejectStopped(job);
    job.spec = launch.spec;
    job.phase = 'queued';
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    while (!this.closing && this.running < this.maxConcurrent) {
      const job = this.queue.shift();
      if (!job) return;
      this.running += 1;
      job.phase = 'running';
      this.track(job.command.id, this.execute(job));
    }
  }

  private async execute(job: Job): Promise<void> {
    const { command } = job;
    try {
      const journal = this.journal;
      if (journal instanceof Error || job.spec === null)
        throw new Error('job started without journal or launch spec');
      const spec = job.spec;
      const startedAt = this.now();
      if (startedAt > command.expiresAt) {
        return this.reject(command, 'refused', 'command expired while waiting for a free slot', true);
      }
      try {
        // Durable before spawn: if the agent dies from here on, the id is known and never runs again.
        await journal.recordStarted(command.id, command.expiresAt, startedAt);
      } catch (err) {
        const why = `cannot record the command in ${this.options.stateDir} before running it: ${String(err)}`;
        // Recorded anyway (in memory at least), so this id keeps one final result.
        return this.reject(command, 'error', why, true);
      }
      if (job.stop) return this.rejectStopped(job);
      const output = new OutputCollector({
        commandId: command.id,
        send: (frame) => this.send(frame),
        capBytes: this.options.outputCapBytes,
      });
      job.process = runProcess(spec, {
        timeoutMs: command.timeoutSec * 1000,
        killGraceMs: this.options.killGraceMs,
        onSpawn: () => {
          this.log.info(
            { commandId: command.id, kind: command.kind, runAs: command.runAs },
            'command started',
          );
          this.send({ type: 'command-started', commandId: command.id, startedAt });
        },
        onOutput: (stream, data) => output.push(stream, data),
      });
      const outcome = await job.process.done;
      output.finish();
      const result = finishedResult({
        commandId: command.id,
        outcome,
        startedAt,
        finishedAt: this.now(),
        timeoutSec: command.timeoutSec,
        truncated: output.truncated,
        file: spec.file,
      });
      const { status, exitCode, signal, durationMs, message } = result;
      this.log.info(
        { commandId: command.id, status, exitCode, signal, durationMs, message },
        'command finished',
      );
      await this.conclude(command, result, true);
    } finally {
      this.running -= 1;
      this.jobs.delete(command.id); // already done by `conclude`, unless something threw
      this.pump();
    }
  }

  private stopJob(job: Job, stop: Stop): void {
    if (job.stop) return;
    job.stop = stop;
    if (job.phase === 'queued') {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.track(job.command.id, this.rejectStopped(job));
    } else {
      // 'preparing' and a 'running' job not yet spawned check `job.stop` when they get there.
      job.process?.stop(stop);
    }
  }

  private rejectStopped(job: Job): Promise<void> {
    return job.stop === 'cancelled'
      ? this.reject(job.command, 'cancelled', 'cancelled before it started', true)
      : this.reject(job.command, 'refused', 'agent shut down before the command started', true);
  }

  private reject(
    command: CommandRequest,
    status: CommandStatus,
    message: string,
    record: boolean,
  ): Promise<void> {
    this.log.warn({ commandId: command.id, kind: command.kind, status, reason: message }, 'command not run');
    return this.conclude(command, notStartedResult(command.id, status, message, this.now()), record);
  }

  /**
   * Records the final result and sends it. The journal takes it in memory and
   * the job is forgotten before anything awaits, so a duplicate arriving from
   * now on gets this result; the disk write completes before this resolves.
   */
  private async conclude(
    command: CommandRequest,
    result: CommandResultFrame,
    record: boolean,
  ): Promise<void> {
    const journal = this.journal;
    const written =
      record && !(journal instanceof Error) ? journal.recordResult(command.expiresAt, result) : null;
    this.jobs.delete(command.id);
    this.send(result);
    try {
      await written;
    } catch (err) {
      this.log.error({ err, commandId: command.id }, 'cannot record the command result');
    }
  }

  private send(frame: CommandEventFrame): void {
    try {
      this.options.send(frame);
    } catch (err) {
      this.log.error({ err, type: frame.type }, 'cannot send command frame');
    }
  }

  /** Keeps `close` waiting for the task, and turns any bug into a logged error result. */
  private track(commandId: string, task: Promise<void>): void {
    const guarded = task.catch((err: unknown) => {
      this.log.error({ err, commandId }, 'command handling failed');
      this.send(notStartedResult(commandId, 'error', `internal agent error: ${String(err)}`, this.now()));
    });
    this.tasks.add(guarded);
    void guarded.finally(() => this.tasks.delete(guarded));
  }
}
