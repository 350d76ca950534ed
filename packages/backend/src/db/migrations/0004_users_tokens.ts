import type { Kysely } from 'kysely';

// Users already carry display_name, disabled and last_login_at (0001).
// API tokens: named, scoped ('read' | 'write'), optionally expiring, stored as
// the SHA-256 of the secret (shown once), revoked rather than deleted so the
// audit log's targets stay resolvable.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('api_tokens_user_idx').on('api_tokens').column('user_id').execute();
  // The audit log is filtered by actor and target through the API.
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').column('actor_id').execute();
  await db.schema.createIndex('audit_log_target_idx').on('audit_log').column('target_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_log_target_idx').execute();
  await db.schema.dropIndex('audit_log_actor_idx').execute();
  await db.schema.dropTable('api_tokens').execute();
}
