import type { AuditQuery } from '@labmgr/protocol';
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { likePrefix } from '../db/like.js';
import type { AuditLogTable, Database } from '../db/schema.js';

export type AuditEntry = Omit<Insertable<AuditLogTable>, 'id' | 'at' | 'details'> & { details?: unknown };
export type AuditRow = Selectable<AuditLogTable> & { actor_name: string | null };

/** Append-only record of every state-changing action: who, what, when, from where. */
export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(entry: AuditEntry, at = Date.now()): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ ...entry, at, details: entry.details === undefined ? null : JSON.stringify(entry.details) })
      .execute();
  }

  /** Newest first, filtered as `AuditQuery` says; every value is bound, never spliced. */
  async list(q: AuditQuery): Promise<{ rows: AuditRow[]; total: number }> {
    let base = this.db
      .selectFrom('audit_log')
      .leftJoin('users', (join) =>
        join.onRef('users.id', '=', 'audit_log.actor_id').on('audit_log.actor_type', '=', 'user'),
      );
    if (q.action) base = base.where(sql<boolean>`audit_log.action like ${likePrefix(q.action)} escape '\\'`);
    if (q.actor) {
      const actor = q.actor;
      base = base.where((eb) =>
        eb.or([eb('audit_log.actor_id', '=', actor), eb('users.username', '=', actor)]),
      );
    }
    if (q.target) base = base.where('audit_log.target_id', '=', q.target);
    if (q.from) base = base.where('audit_log.at', '>=', Date.parse(q.from));
    if (q.to) base = base.where('audit_log.at', '<=', Date.parse(q.to));
    const totalRow = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await base
      .selectAll('audit_log')
      .select('users.username as actor_name')
      .orderBy('audit_log.at', 'desc')
      .orderBy('audit_log.id', 'desc')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return { rows, total: Number(totalRow?.n ?? 0) };
  }
}
