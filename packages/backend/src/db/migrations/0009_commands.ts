import type { Kysely } from 'kysely';

// Commands ("jobs") and their per-computer runs. A run's id is the id the
// agent sees and signs over, so results and output frames find their run by
// it. No foreign key to computers: a run stays in the history after its
// computer is retired.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('commands')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull())
    .addColumn('timeout_sec', 'integer', (c) => c.notNull())
    .addColumn('queue_ttl_sec', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('rerun_of', 'text')
    .execute();
  await db.schema.createIndex('commands_created_idx').on('commands').column('created_at').execute();
  await db.schema
    .createTable('command_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('command_id', 'text', (c) => c.notNull().references('commands.id').onDelete('cascade'))
    .addColumn('computer_id', 'text', (c) => c.notNull())
    .addColumn('computer_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('exit_code', 'integer')
    .addColumn('signal', 'text')
    .addColumn('stdout', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('stderr', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('output_bytes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('output_seq', 'integer', (c) => c.notNull().defaultTo(-1))
    .addColumn('truncated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('message', 'text')
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('duration_ms', 'bigint')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('deadline_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('command_runs_command_idx')
    .on('command_runs')
    .columns(['command_id', 'computer_id'])
    .unique()
    .execute();
  await db.schema.createIndex('command_runs_computer_idx').on('command_runs').column('computer_id').execute();
  await db.schema
    .createIndex('command_runs_open_idx')
    .on('command_runs')
    .columns(['status', 'deadline_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('command_runs').execute();
  await db.schema.dropTable('commands').execute();
}
