import { type CommandListQuery, FINAL_RUN_STATUSES, type RunStatus } from '@labmgr/protocol';
import { type Insertable, type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { CommandRunsTable, CommandsTable, Database } from '../db/schema.js';

export type CommandRow = Selectable<CommandsTable>;
export type RunRow = Selectable<CommandRunsTable>;
export type RunPatch = Updateable<Omit<CommandRunsTable, 'id' | 'command_id' | 'computer_id'>>;

/** Statuses a run can still leave. */
export const OPEN_RUN_STATUSES: readonly RunStatus[] = ['pending', 'queued', 'sent', 'running'];

/**
 * A LIKE pattern for text inside the stored payload (JSON): the text is
 * encoded as JSON would store it (quotes, backslashes, control characters),
 * and LIKE's own wildcards are escaped with `!`.
 */
export function payloadPattern(text: string): string {
  const encoded = JSON.stringify(text.toLowerCase()).slice(1, -1);
  return `%${encoded.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/** Commands and their runs: the only SQL of the commands feature. */
export class CommandRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(command: Insertable<CommandsTable>, runs: Insertable<CommandRunsTable>[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('commands').values(command).execute();
      // Chunked: PostgreSQL binds at most 65,535 parameters per statement.
      for (let i = 0; i < runs.length; i += 1000) {
        await trx
          .insertInto('command_runs')
          .values(runs.slice(i, i + 1000))
          .execute();
      }
    });
  }

  findById(id: string): Promise<CommandRow | undefined> {
    return this.db.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirst();
  }

  runsOf(commandId: string): Promise<RunRow[]> {
    return this.db
      .selectFrom('command_runs')
      .selectAll()
      .where('command_id', '=', commandId)
      .orderBy('computer_name')
      .orderBy('computer_id')
      .execute();
  }

  findRuns(ids: readonly string[]): Promise<RunRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('command_runs').selectAll().where('id', 'in', ids).execute();
  }

  findRun(id: string): Promise<RunRow | undefined> {
    return this.db.selectFrom('command_runs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Newest first; `counts` per command and run status. */
  async list(q: CommandListQuery): Promise<{ rows: CommandRow[]; total: number }> {
    let base = this.db.selectFrom('commands');
    if (q.status === 'running') base = base.where('finished_at', 'is', null);
    if (q.status === 'completed') base = base.where('finished_at', 'is not', null);
    if (q.createdBy) base = base.where('created_by', '=', q.createdBy);
    if (q.kind) base = base.where('kind', '=', q.kind);
    if (q.q) base = base.where(sql<boolean>`lower(payload) like ${payloadPattern(q.q)} escape '!'`);
    if (q.computerId) {
      const computerId = q.computerId;
      base = base.where((eb) =>
        eb.exists(
          eb
            .selectFrom('command_runs')
            .select('command_runs.id')
            .whereRef('command_runs.command_id', '=', 'commands.id')
            .where('command_runs.computer_id', '=', computerId),
        ),
      );
    }
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return { rows, total: Number(total.n) };
  }

  /** Runs per status of each command. */
  async counts(commandIds: readonly string[]): Promise<Map<string, Record<string, number>>> {
    const out = new Map<string, Record<string, number>>();
    if (commandIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('command_runs')
      .select(['command_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('command_id', 'in', commandIds)
      .groupBy(['command_id', 'status'])
      .execute();
    for (const r of rows) {
      const counts = out.get(r.command_id) ?? {};
      counts[r.status] = Number(r.n);
      out.set(r.command_id, counts);
    }
    return out;
  }

  /**
   * Applies `patch` to the run only while its status is one of `from`: a
   * late "sent" from the dispatch never overwrites the agent's own news.
   * Returns the updated row, or undefined when nothing changed.
   */
  async transition(id: string, from: readonly RunStatus[], patch: RunPatch): Promise<RunRow | undefined> {
    return (await this.transitionMany([id], from, patch))[0];
  }

  /** `transition` for many runs at once (one statement per 1,000): the rows it changed. */
  async transitionMany(
    ids: readonly string[],
    from: readonly RunStatus[],
    patch: RunPatch,
  ): Promise<RunRow[]> {
    const changed: RunRow[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      changed.push(
        ...(await this.db
          .updateTable('command_runs')
          .set(patch)
          .where('id', 'in', ids.slice(i, i + 1000))
          .where('status', 'in', from)
          .returningAll()
          .execute()),
      );
    }
    return changed;
  }

  /** Appends an output chunk unless chunk `seq` (or a later one) was applied already. */
  async appendOutput(
    id: string,
    seq: number,
    stream: 'stdout' | 'stderr',
    data: string,
    bytes: number,
    truncated: boolean,
    now: number,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('command_runs')
      .set((eb) => ({
        [stream]: eb(eb.ref(stream), '||', data),
        output_bytes: eb('output_bytes', '+', bytes),
        output_seq: seq,
        ...(truncated ? { truncated: 1 } : {}),
        updated_at: now,
      }))
      .where('id', '=', id)
      .where('output_seq', '<', seq)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Open runs whose deadline passed: delivered ones lost, waiting ones expired. */
  async overdue(now: number, limit = 1000): Promise<RunRow[]> {
    return this.db
      .selectFrom('command_runs')
      .selectAll()
      .where('status', 'in', OPEN_RUN_STATUSES)
      .where('deadline_at', '<', now)
      .limit(limit)
      .execute();
  }

  /** Marks the command finished when none of its runs is open any more. */
  async finishIfDone(commandId: string, now: number): Promise<boolean> {
    const open = await this.db
      .selectFrom('command_runs')
      .select('id')
      .where('command_id', '=', commandId)
      .where('status', 'not in', FINAL_RUN_STATUSES)
      .limit(1)
      .executeTakeFirst();
    if (open) return false;
    const res = await this.db
      .updateTable('commands')
      .set({ finished_at: now })
      .where('id', '=', commandId)
      .where('finished_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }
}
