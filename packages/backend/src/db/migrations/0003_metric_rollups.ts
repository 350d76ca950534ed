import type { Kysely } from 'kysely';

// Metric history beyond the raw window: per-computer 1-minute and 1-hour
// buckets holding avg/min/max of the chart figures, plus a watermark per
// resolution (everything before it has been folded). Portable DDL only.
export const ROLLUP_FIELDS = ['cpu', 'mem_used', 'disk_used', 'load1', 'net_rx', 'net_tx'] as const;

function rollupTable(db: Kysely<unknown>, name: string) {
  let t = db.schema
    .createTable(name)
    .addColumn('computer_id', 'text', (c) => c.notNull().references('computers.id').onDelete('cascade'))
    .addColumn('bucket_start', 'bigint', (c) => c.notNull())
    .addColumn('samples', 'integer', (c) => c.notNull())
    .addColumn('last_seq', 'bigint', (c) => c.notNull());
  for (const f of ROLLUP_FIELDS) {
    t = t
      .addColumn(`${f}_avg`, 'double precision', (c) => c.notNull())
      .addColumn(`${f}_min`, 'double precision', (c) => c.notNull())
      .addColumn(`${f}_max`, 'double precision', (c) => c.notNull());
  }
  return t
    .addColumn('mem_total', 'double precision', (c) => c.notNull())
    .addColumn('disk_total', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${name}_pk`, ['computer_id', 'bucket_start']);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await rollupTable(db, 'metric_rollups_1m').execute();
  await rollupTable(db, 'metric_rollups_1h').execute();
  await db.schema
    .createTable('metric_rollup_state')
    .addColumn('resolution', 'text', (c) => c.primaryKey())
    .addColumn('done_until', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('metric_rollup_state').execute();
  await db.schema.dropTable('metric_rollups_1h').execute();
  await db.schema.dropTable('metric_rollups_1m').execute();
}
