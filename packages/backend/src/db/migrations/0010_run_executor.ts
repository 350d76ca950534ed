import type { Kysely } from 'kysely';

// A run can be carried out by another computer than the one it is for: a
// wake-on-LAN packet for a sleeping computer is sent by an online one on its
// network. Null: the computer itself.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('command_runs').addColumn('executor_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('command_runs').dropColumn('executor_id').execute();
}
