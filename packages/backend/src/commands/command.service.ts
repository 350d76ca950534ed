import { randomUUID } from 'node:crypto';
import type {
  CommandCreate,
  CommandDetail,
  CommandList,
  CommandListQuery,
  CommandOutputFrame,
  CommandRequest,
  CommandResultFrame,
  CommandStartedFrame,
  LiveEvent,
  MessageStatusItem,
  RunStatus,
  ScriptParameter,
} from '@labmgr/protocol';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { UserActor } from '../auth/access.js';
import type { ComputerRepository, ComputerRow } from '../computers/computer.repository.js';
import { ApiError, notFound } from '../http/errors.js';
import type { CommandSigner } from '../keys/command-signing.js';
import type { RelayClient, SendStatus } from '../relays/relay-client.js';
import type { ScriptRepository } from '../scripts/script.repository.js';
import { resolveParams, scriptText } from '../scripts/script-text.js';
import type { UserRepository } from '../users/user.repository.js';
import {
  type CommandPayload,
  describeCommand,
  toDetail,
  toRunState,
  toSummary,
} from './command.presenter.js';
import { type CommandRepository, OPEN_RUN_STATUSES, type RunRow } from './command.repository.js';
import { planWake, type RunPlan, type WakePlan } from './wake-plan.js';

/** Output kept per run on the server (the agent caps its own, 1 MiB by default). */
export const MAX_RUN_OUTPUT_BYTES = 2 * 1024 * 1024;
/** A delivered run without a result this long after it could have ended is `lost`. */
const LOST_GRACE_MS = 60_000;
/** The most computers one command may target. */
export const MAX_TARGETS = 10_000;

/** A command as it goes out: a library script is resolved to the shell command it runs. */
type ResolvedCreate = Exclude<CommandCreate, { kind: 'script' }>;

/** A progress frame an agent sent about one of its runs. */
export type CommandProgress = CommandStartedFrame | CommandOutputFrame | CommandResultFrame;

interface Deps {
  commands: CommandRepository;
  computers: ComputerRepository;
  users: UserRepository;
  audit: AuditRepository;
  relayClient: RelayClient;
  signer: CommandSigner;
  scripts: ScriptRepository;
  publish: (event: LiveEvent) => void;
  now?: () => number;
}

const DELIVERY: Partial<Record<SendStatus, RunStatus>> = { delivered: 'sent', queued: 'queued' };

/**
 * Where an agent's news may move a run from. `refused` is among them: an agent
 * reports, but does not record, its refusal of a frame that failed the
 * signature check (a forgery must not claim the id), so the genuine command
 * with that id may still start afterwards. A refusal it does record (policy,
 * expiry) is never followed by a start.
 */
const BEFORE_START: readonly RunStatus[] = ['pending', 'queued', 'sent', 'refused'];
const BEFORE_RESULT: readonly RunStatus[] = [...OPEN_RUN_STATUSES, 'refused'];

/**
 * Commands on one computer, a selection, a lab, a tag or every online
 * computer: one signed run per computer, sent in one control call per relay,
 * followed through the agent's progress frames to a final status.
 */
export class CommandService {
  readonly #d: Deps;

  constructor(deps: Deps) {
    this.#d = deps;
  }

  #now(): number {
    return (this.#d.now ?? Date.now)();
  }

  async create(
    request: CommandCreate,
    actor: UserActor,
    rerunOf: string | null = null,
  ): Promise<CommandDetail> {
    // A library script runs as the shell command it resolves to; the job remembers which script it was.
    const script = request.kind === 'script' ? await this.#resolveScript(request) : null;
    const body: ResolvedCreate = script ? script.command : (request as ResolvedCreate);
    const computers = await this.#resolveTargets(body.targets);
    const now = this.#now();
    const id = randomUUID();
    const expiresAt = now + body.queueTtlSec * 1000;
    const { targets: _t, timeoutSec: _ts, queueTtlSec: _q, ...spec } = body;
    const payload: CommandPayload = { spec, ...(script ? { script: script.record } : {}) };
    const plans: RunPlan[] =
      body.kind === 'wake'
        ? await planWake(computers, body, this.#d.computers)
        : computers.map((target) => ({ target, executor: target, wake: null, why: null }));
    const runs = plans.map((plan) => {
      if (!plan.executor) return { plan, request: null, signature: null };
      const request = requestFor(
        body,
        {
          id: randomUUID(),
          computerId: plan.executor.id,
          timeoutSec: body.timeoutSec,
          issuedAt: now,
          expiresAt,
        },
        plan.wake,
      );
      return { plan, request, signature: this.#d.signer.sign(request) };
    });
    await this.#d.commands.insert(
      {
        id,
        kind: request.kind,
        payload: JSON.stringify(payload),
        targets: JSON.stringify(body.targets),
        timeout_sec: body.timeoutSec,
        queue_ttl_sec: body.queueTtlSec,
        created_by: actor.user.id,
        created_at: now,
        finished_at: null,
        rerun_of: rerunOf,
      },
      runs.map(({ plan, request }) => ({
        id: request?.id ?? randomUUID(),
        command_id: id,
        computer_id: plan.target.id,
        executor_id: plan.executor && plan.executor.id !== plan.target.id ? plan.executor.id : null,
        computer_name: plan.target.display_name ?? plan.target.hostname,
        status: request ? 'pending' : 'unreachable',
        message: request ? null : plan.why,
        finished_at: request ? null : now,
        stdout: '',
        stderr: '',
        output_bytes: 0,
        output_seq: -1,
        truncated: 0,
        expires_at: expiresAt,
        deadline_at: expiresAt + body.timeoutSec * 1000 + LOST_GRACE_MS,
        updated_at: now,
      })),
    );
    await this.#d.audit.record({
      actor_type: 'user',
      actor_id: actor.user.id,
      action: rerunOf ? 'command.rerun' : 'command.create',
      target_type: 'command',
      target_id: id,
      ip: actor.ip,
      details: {
        kind: request.kind,
        command: describeCommand(payload).slice(0, 1000),
        targets: body.targets,
        computers: computers.length,
        ...(rerunOf ? { rerunOf } : {}),
      },
    });

    // One control call per relay (to the run's executor); the relay queues for agents that are reconnecting.
    const results = await this.#d.relayClient.sendMany(
      runs.flatMap(({ plan, request, signature }) =>
        request && signature && plan.executor
          ? [
              {
                computerId: plan.executor.id,
                messageId: request.id,
                frame: { type: 'command' as const, command: request, signature },
                ttlSec: body.queueTtlSec,
                queueIfUnknown: true,
              },
            ]
          : [],
      ),
    );
    // Recorded in one statement per outcome; an agent's own news may have come first and wins.
    const sentAt = this.#now();
    const byStatus = new Map<SendStatus, string[]>();
    for (const r of results) {
      const ids = byStatus.get(r.status) ?? [];
      ids.push(r.messageId);
      byStatus.set(r.status, ids);
    }
    for (const [status, ids] of byStatus) {
      const next = DELIVERY[status];
      const rows = await this.#d.commands.transitionMany(
        ids,
        ['pending'],
        next
          ? { status: next, updated_at: sentAt }
          : {
              status: 'unreachable',
              message: unreachableMessage(status),
              finished_at: sentAt,
              updated_at: sentAt,
            },
      );
      for (const row of rows) this.#publishRun(row);
    }
    await this.#finishIfDone(id);
    return this.get(id);
  }

  async get(id: string): Promise<CommandDetail> {
    const row = await this.#d.commands.findById(id);
    if (!row) throw notFound('command');
    const runs = await this.#d.commands.runsOf(id);
    return toDetail(row, runs, await this.#creator(row.created_by));
  }

  async list(q: CommandListQuery): Promise<CommandList> {
    const { rows, total } = await this.#d.commands.list(q);
    const counts = await this.#d.commands.counts(rows.map((r) => r.id));
    const creators = new Map<string, { id: string; username: string } | null>();
    for (const r of rows) {
      if (r.created_by && !creators.has(r.created_by))
        creators.set(r.created_by, await this.#creator(r.created_by));
    }
    return {
      items: rows.map((r) =>
        toSummary(r, counts.get(r.id) ?? {}, r.created_by ? (creators.get(r.created_by) ?? null) : null),
      ),
      total,
    };
  }

  /**
   * Stops what has not finished: a run still queued at its relay is taken out
   * of the queue and never starts; a delivered or running one is sent a
   * cancel, and the agent's result then says `cancelled`.
   */
  async cancel(id: string, actor: UserActor): Promise<CommandDetail> {
    const command = await this.#d.commands.findById(id);
    if (!command) throw notFound('command');
    const runs = (await this.#d.commands.runsOf(id)).filter((r) =>
      OPEN_RUN_STATUSES.includes(r.status as RunStatus),
    );
    // Runs still waiting at their relay are taken out of its queue (the calls in parallel);
    // the others are told to stop by their agent.
    const waiting = runs.filter((r) => r.status === 'queued' || r.status === 'pending');
    const taken = await Promise.all(
      waiting.map(async (run) =>
        run.status === 'pending' ||
        (await this.#d.relayClient.cancelQueued(run.executor_id ?? run.computer_id, run.id)) === 'cancelled'
          ? run.id
          : null,
      ),
    );
    const dropped = new Set(taken.filter((id): id is string => id !== null));
    const now = this.#now();
    for (const row of await this.#d.commands.transitionMany([...dropped], ['queued', 'pending'], {
      status: 'cancelled',
      message: 'cancelled before it reached the computer',
      finished_at: now,
      updated_at: now,
    }))
      this.#publishRun(row);
    const toAgents = runs.filter((r) => !dropped.has(r.id));
    if (toAgents.length > 0) {
      await this.#d.relayClient.sendMany(
        toAgents.map((r) => ({
          computerId: r.executor_id ?? r.computer_id,
          frame: { type: 'cancel', commandId: r.id },
          ttlSec: 60,
        })),
      );
    }
    await this.#d.audit.record({
      actor_type: 'user',
      actor_id: actor.user.id,
      action: 'command.cancel',
      target_type: 'command',
      target_id: id,
      ip: actor.ip,
      details: { openRuns: runs.length },
    });
    await this.#finishIfDone(id);
    return this.get(id);
  }

  /** Runs the same command again on the same targets (resolved anew: a lab's computers today). */
  async rerun(id: string, actor: UserActor): Promise<CommandDetail> {
    const row = await this.#d.commands.findById(id);
    if (!row) throw notFound('command');
    const { spec, script } = JSON.parse(row.payload) as CommandPayload;
    const base = {
      targets: JSON.parse(row.targets) as CommandCreate['targets'],
      timeoutSec: row.timeout_sec,
      queueTtlSec: row.queue_ttl_sec,
    };
    // A library script runs again at the same version with the same values, whatever the library holds now.
    const body: CommandCreate = script
      ? {
          ...base,
          kind: 'script',
          scriptId: script.id,
          version: script.version,
          params: script.params,
          runAs: spec.kind === 'shell' ? spec.runAs : null,
        }
      : { ...base, ...spec };
    return this.create(body, actor, id);
  }

  /**
   * Applies progress frames from agents, in the order their relay forwarded
   * them. A frame about a run of another computer, or an unknown run, is
   * ignored: an agent can only report on its own runs.
   */
  async onAgentFrames(items: readonly { computerId: string; frame: CommandProgress }[]): Promise<void> {
    if (items.length === 0) return;
    const runs = new Map(
      (await this.#d.commands.findRuns([...new Set(items.map((i) => i.frame.commandId))])).map((r) => [
        r.id,
        r,
      ]),
    );
    const touched = new Set<string>();
    for (const { computerId, frame } of items) {
      const run = runs.get(frame.commandId);
      if (!run || (run.executor_id ?? run.computer_id) !== computerId) continue;
      const row = await this.#apply(run, frame);
      if (row) {
        runs.set(row.id, row);
        touched.add(row.command_id);
      }
    }
    for (const commandId of touched) await this.#finishIfDone(commandId);
  }

  /**
   * A relay's report on messages it had queued: delivered after all, or
   * expired unsent. Only reports that name the run's own computer count.
   */
  async onMessageStatus(items: readonly MessageStatusItem[]): Promise<void> {
    const runs = new Map(
      (await this.#d.commands.findRuns(items.map((i) => i.messageId))).map((r) => [r.id, r]),
    );
    const mine = items.filter((i) => {
      const run = runs.get(i.messageId);
      return run !== undefined && (run.executor_id ?? run.computer_id) === i.computerId;
    });
    const now = this.#now();
    const delivered = mine.filter((i) => i.status === 'delivered').map((i) => i.messageId);
    const changed = await this.#d.commands.transitionMany(delivered, ['queued', 'pending'], {
      status: 'sent',
      updated_at: now,
    });
    // Expiries are rare: each keeps the time the relay gave it up.
    for (const item of mine.filter((i) => i.status === 'expired')) {
      const row = await this.#d.commands.transition(item.messageId, ['queued', 'pending'], {
        status: 'expired',
        message: 'the computer did not come back before the command expired',
        finished_at: item.at,
        updated_at: now,
      });
      if (row) changed.push(row);
    }
    for (const row of changed) this.#publishRun(row);
    for (const commandId of new Set(changed.map((r) => r.command_id))) await this.#finishIfDone(commandId);
  }

  /** Closes runs past their deadline: never delivered → `expired`, delivered without a result → `lost`. */
  async sweep(): Promise<number> {
    const now = this.#now();
    const overdue = await this.#d.commands.overdue(now);
    const touched = new Set<string>();
    for (const run of overdue) {
      const delivered = run.status === 'sent' || run.status === 'running';
      const row = await this.#d.commands.transition(run.id, [run.status as RunStatus], {
        status: delivered ? 'lost' : 'expired',
        message: delivered
          ? 'no result from the computer (it may have restarted or lost its connection while running)'
          : 'the command expired before it reached the computer',
        finished_at: now,
        updated_at: now,
      });
      if (row) {
        this.#publishRun(row);
        touched.add(row.command_id);
      }
    }
    for (const commandId of touched) await this.#finishIfDone(commandId);
    return overdue.length;
  }

  async #apply(run: RunRow, frame: CommandProgress): Promise<RunRow | undefined> {
    const now = this.#now();
    const { commands } = this.#d;
    switch (frame.type) {
      case 'command-started': {
        const row = await commands.transition(run.id, BEFORE_START, {
          status: 'running',
          started_at: frame.startedAt,
          message: null,
          updated_at: now,
        });
        if (row) this.#publishRun(row);
        return row;
      }
      case 'command-output': {
        // The output may arrive before the dispatch recorded the delivery.
        const running =
          run.status === 'running'
            ? undefined
            : await commands.transition(run.id, BEFORE_START, {
                status: 'running',
                message: null,
                updated_at: now,
              });
        if (running) this.#publishRun(running);
        const bytes = Buffer.byteLength(frame.data);
        const room = MAX_RUN_OUTPUT_BYTES - run.output_bytes;
        const data = room <= 0 ? '' : bytes <= room ? frame.data : utf8Prefix(frame.data, room);
        const dataBytes = Buffer.byteLength(data);
        const applied = await commands.appendOutput(
          run.id,
          frame.seq,
          frame.stream,
          data,
          dataBytes,
          data.length < frame.data.length,
          now,
        );
        if (!applied) return running ?? run;
        if (data) {
          this.#d.publish({
            type: 'command.output',
            commandId: run.command_id,
            computerId: run.computer_id,
            stream: frame.stream,
            data,
          });
        }
        // What the next chunk of this batch needs to know, without reading the row back.
        return { ...(running ?? run), output_bytes: run.output_bytes + dataBytes, output_seq: frame.seq };
      }
      case 'command-result': {
        const row = await commands.transition(run.id, BEFORE_RESULT, {
          status: frame.status,
          exit_code: frame.exitCode,
          signal: frame.signal,
          started_at: frame.startedAt ?? run.started_at,
          finished_at: frame.finishedAt,
          duration_ms: frame.durationMs,
          message: frame.message,
          ...(frame.truncated ? { truncated: 1 } : {}),
          updated_at: now,
        });
        if (row) this.#publishRun(row);
        // The agent refused a signed command (bad signature, replay, its local policy): a security event of its own.
        if (row && frame.status === 'refused') {
          await this.#d.audit.record({
            actor_type: 'agent',
            actor_id: run.executor_id ?? run.computer_id,
            action: 'command.refused_by_agent',
            target_type: 'command_run',
            target_id: run.id,
            ip: null,
            details: { commandId: run.command_id, computerId: run.computer_id, reason: frame.message },
          });
        }
        return row;
      }
    }
  }

  async #resolveScript(body: Extract<CommandCreate, { kind: 'script' }>): Promise<{
    command: Extract<CommandCreate, { kind: 'shell' }>;
    record: NonNullable<CommandPayload['script']>;
  }> {
    const script = await this.#d.scripts.find(body.scriptId);
    if (!script) {
      throw new ApiError(400, 'validation_failed', 'body.scriptId: no such script', {
        field: 'body.scriptId',
      });
    }
    const version = body.version ?? script.current_version;
    const row = await this.#d.scripts.findVersion(script.id, version);
    if (!row) {
      throw new ApiError(400, 'validation_failed', `body.version: the script has no version ${version}`, {
        field: 'body.version',
      });
    }
    const params = resolveParams(JSON.parse(row.parameters) as ScriptParameter[], body.params);
    if (!params.ok) {
      throw new ApiError(400, 'validation_failed', `body.${params.field}: ${params.reason}`, {
        field: `body.${params.field}`,
      });
    }
    const { targets, timeoutSec, queueTtlSec, runAs } = body;
    return {
      command: {
        targets,
        timeoutSec,
        queueTtlSec,
        runAs,
        kind: 'shell',
        shell: row.shell,
        command: scriptText(row.shell, row.body, params.values),
      },
      record: {
        id: script.id,
        name: script.name,
        version,
        params: Object.fromEntries(params.values.map((p) => [p.name, p.value])),
      },
    };
  }

  async #resolveTargets(targets: CommandCreate['targets']): Promise<ComputerRow[]> {
    const { computers } = this.#d;
    const found = new Map<string, ComputerRow>();
    if (targets.computerIds) {
      const ids = [...new Set(targets.computerIds)];
      const rows = (await computers.findByIds(ids)).filter((c) => !c.retired);
      const missing = ids.filter((id) => !rows.some((r) => r.id === id));
      if (missing.length > 0) {
        throw new ApiError(
          400,
          'validation_failed',
          `body.targets.computerIds: ${missing.length} unknown or retired computer(s)`,
          { field: 'body.targets.computerIds', unknown: missing.slice(0, 100) },
        );
      }
      for (const r of rows) found.set(r.id, r);
    }
    const listed = async (filter: { labId?: string; tag?: string; status?: 'online' }) =>
      (
        await computers.list({
          ...filter,
          sort: 'hostname',
          order: 'asc',
          limit: MAX_TARGETS + 1,
          offset: 0,
        })
      ).rows;
    if (targets.labId) for (const r of await listed({ labId: targets.labId })) found.set(r.id, r);
    if (targets.tag) for (const r of await listed({ tag: targets.tag })) found.set(r.id, r);
    if (targets.allOnline) for (const r of await listed({ status: 'online' })) found.set(r.id, r);
    if (found.size === 0) {
      throw new ApiError(400, 'validation_failed', 'body.targets: no computer matches these targets', {
        field: 'body.targets',
      });
    }
    if (found.size > MAX_TARGETS) {
      throw new ApiError(400, 'validation_failed', `body.targets: more than ${MAX_TARGETS} computers`, {
        field: 'body.targets',
      });
    }
    return [...found.values()];
  }

  async #finishIfDone(commandId: string): Promise<void> {
    await this.#d.commands.finishIfDone(commandId, this.#now());
  }

  async #creator(userId: string | null): Promise<{ id: string; username: string } | null> {
    if (!userId) return null;
    const user = await this.#d.users.findById(userId);
    return user ? { id: user.id, username: user.username } : null;
  }

  #publishRun(row: RunRow): void {
    this.#d.publish({ type: 'command.run', commandId: row.command_id, run: toRunState(row) });
  }
}

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes, never cutting a character in two. */
export function utf8Prefix(text: string, maxBytes: number): string {
  const buf = Buffer.from(text);
  let end = Math.min(maxBytes, buf.length);
  // Back off from the middle of a multi-byte character (continuation bytes are 10xxxxxx).
  while (end > 0 && end < buf.length && ((buf[end] as number) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

function unreachableMessage(status: SendStatus): string {
  switch (status) {
    case 'offline':
      return 'the computer has never connected through a relay';
    case 'unknown-agent':
      return 'no relay holds this computer';
    case 'relay-unreachable':
      return "the computer's relay did not answer";
    case 'queue-full':
      return "the relay's queue for this computer is full";
    default:
      return `not delivered (${status})`;
  }
}

/** The signed command one computer receives. */
function requestFor(
  body: ResolvedCreate,
  base: { id: string; computerId: string; timeoutSec: number; issuedAt: number; expiresAt: number },
  wake: WakePlan | null,
): CommandRequest {
  switch (body.kind) {
    case 'shell':
      return { ...base, runAs: body.runAs, kind: 'shell', shell: body.shell, script: body.command };
    case 'exec':
      return { ...base, runAs: body.runAs, kind: 'exec', argv: body.argv };
    case 'power':
      return {
        ...base,
        runAs: null,
        kind: 'power',
        action: body.action,
        delaySec: body.delaySec,
        message: body.message,
      };
    case 'message':
      return { ...base, runAs: null, kind: 'message', title: body.title, text: body.text };
    case 'wake':
      return {
        ...base,
        runAs: null,
        kind: 'wake',
        macs: wake?.macs ?? [],
        broadcast: wake?.broadcast ?? '255.255.255.255',
        port: body.port,
      };
  }
}
