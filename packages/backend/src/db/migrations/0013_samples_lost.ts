import type { Kysely } from 'kysely';

// The agent reports the samples it lost (evicted from its full buffer before
// the server stored them) in the `dropped` field of the next frame. Summed per
// computer at ingest, only for frames stored for the first time, so a re-sent
// frame never counts twice; with the time of the latest loss.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('computers')
    .addColumn('samples_lost', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('computers').addColumn('last_loss_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('computers').dropColumn('last_loss_at').execute();
  await db.schema.alterTable('computers').dropColumn('samples_lost').execute();
}
