import type { Kysely } from 'kysely';

// Labs are rooms with a seat grid; a computer belongs to at most one lab and
// sits at most at one seat of it, and carries tags and notes. Tags are a JSON
// array in text (filtered with LIKE on the quoted tag, portable to both
// databases). No foreign key on computers.lab_id: SQLite cannot add one to an
// existing table, so deleting a lab clears its computers in the same
// transaction instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('labs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('building', 'text')
    .addColumn('room', 'text')
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('cols', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('computers').addColumn('lab_id', 'text').execute();
  await db.schema.alterTable('computers').addColumn('seat_row', 'integer').execute();
  await db.schema.alterTable('computers').addColumn('seat_col', 'integer').execute();
  await db.schema
    .alterTable('computers')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('computers').addColumn('notes', 'text').execute();
  await db.schema.createIndex('computers_lab_idx').on('computers').column('lab_id').execute();
  // One computer per seat; unseated computers (NULLs) never collide, on either database.
  await db.schema
    .createIndex('computers_seat_unique')
    .on('computers')
    .columns(['lab_id', 'seat_row', 'seat_col'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('computers_seat_unique').execute();
  await db.schema.dropIndex('computers_lab_idx').execute();
  for (const column of ['notes', 'tags', 'seat_col', 'seat_row', 'lab_id']) {
    await db.schema.alterTable('computers').dropColumn(column).execute();
  }
  await db.schema.dropTable('labs').execute();
}
