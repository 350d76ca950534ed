import type { Insertable, Kysely } from 'kysely';
import type { AuditLogTable, Database } from '../db/schema.js';

export type AuditEntry = Omit<Insertable<AuditLogTable>, 'id' | 'at' | 'details'> & { details?: unknown };

/** Append-only record of every state-changing action: who, what, when, from where. */
export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(entry: AuditEntry, at = Date.now()): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ ...entry, at, details: entry.details === undefined ? null : JSON.stringify(entry.details) })
      .execute();
  }
}
