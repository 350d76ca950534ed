import type { Kysely } from 'kysely';

// Raw samples keep the charted figures only. The whole sample as JSON (per
// core, per disk, per interface, top processes) was written with every row
// and never read: it was most of the bytes each ingest wrote to the database
// (~1.3–5 KB a row against ~100 B of figures), and at 1,000 computers every
// 5 s it would have grown the 48 h of raw history to tens of GB. Down adds the
// column back empty: the dropped text cannot be recovered.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('metric_samples').dropColumn('sample').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('metric_samples')
    .addColumn('sample', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
}
