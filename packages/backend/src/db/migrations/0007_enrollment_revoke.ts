import type { Kysely } from 'kysely';

// Enrollment tokens can be revoked before they expire or run out of uses
// (kept, not deleted, so the audit log's targets stay resolvable).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('enrollment_tokens').addColumn('revoked_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('enrollment_tokens').dropColumn('revoked_at').execute();
}
