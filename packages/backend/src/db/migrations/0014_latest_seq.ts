import type { Kysely } from 'kysely';

// The seq of the sample whose figures `latest_metrics` holds. Ingest batches
// may be stored out of order (a relay keeps more than one in flight, a spooled
// batch is replayed late): a batch only replaces a computer's latest figures
// (and the relay holding it) with a newer sample than the one stored.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('computers').addColumn('latest_seq', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('computers').dropColumn('latest_seq').execute();
}
