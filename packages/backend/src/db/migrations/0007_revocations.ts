import type { Kysely } from 'kysely';

// Enrollment tokens and relay service tokens can be revoked (kept, not
// deleted, so the audit log's targets and computers' relay ids stay resolvable).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('enrollment_tokens').addColumn('revoked_at', 'bigint').execute();
  await db.schema.alterTable('relays').addColumn('revoked_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('relays').dropColumn('revoked_at').execute();
  await db.schema.alterTable('enrollment_tokens').dropColumn('revoked_at').execute();
}
