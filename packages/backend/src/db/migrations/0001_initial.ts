import type { Kysely } from 'kysely';
import { isSqlite } from '../dialect.js';

// Written against Kysely's portable schema builder only: it runs unchanged on
// SQLite and PostgreSQL. `bigint` holds epoch-ms timestamps and byte counts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_login_at', 'bigint')
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('relays')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint')
    .execute();

  await db.schema
    .createTable('enrollment_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('uses_left', 'integer', (c) => c.notNull())
    .addColumn('lab_id', 'text')
    .addColumn('created_by', 'text')
    .execute();

  await db.schema
    .createTable('computers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('credential_hash', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('offline'))
    .addColumn('last_seen_at', 'bigint')
    .addColumn('relay_id', 'text')
    .addColumn('agent_version', 'text')
    .addColumn('os_name', 'text')
    .addColumn('inventory', 'text')
    .addColumn('inventory_updated_at', 'bigint')
    .addColumn('latest_metrics', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('computers_hostname_idx').on('computers').column('hostname').execute();

  await db.schema
    .createTable('metric_samples')
    .addColumn('computer_id', 'text', (c) => c.notNull().references('computers.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('cpu_percent', 'double precision', (c) => c.notNull())
    .addColumn('mem_used', 'bigint', (c) => c.notNull())
    .addColumn('mem_total', 'bigint', (c) => c.notNull())
    .addColumn('disk_used', 'bigint', (c) => c.notNull())
    .addColumn('disk_total', 'bigint', (c) => c.notNull())
    .addColumn('load1', 'double precision', (c) => c.notNull())
    .addColumn('net_rx', 'double precision', (c) => c.notNull())
    .addColumn('net_tx', 'double precision', (c) => c.notNull())
    .addColumn('sample', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_samples_pk', ['computer_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('metric_samples_at_idx')
    .on('metric_samples')
    .columns(['computer_id', 'at'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .$call((t) =>
      isSqlite(db)
        ? t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        : t.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity()),
    )
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'audit_log',
    'metric_samples',
    'computers',
    'enrollment_tokens',
    'relays',
    'sessions',
    'users',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
