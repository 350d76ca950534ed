import type { Kysely } from 'kysely';

// What a relay tells the backend when it registers: where and with which secret
// the backend reaches its control API, its version and how many agents it holds.
// One ALTER per column: SQLite accepts a single ADD COLUMN per statement.
const COLUMNS = [
  ['announced_id', 'text'],
  ['control_url', 'text'],
  ['control_token', 'text'],
  ['version', 'text'],
  ['registered_at', 'bigint'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, type] of COLUMNS) {
    await db.schema.alterTable('relays').addColumn(name, type).execute();
  }
  await db.schema
    .alterTable('relays')
    .addColumn('connected_agents', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('computers_relay_idx').on('computers').column('relay_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('computers_relay_idx').execute();
  for (const name of ['connected_agents', ...COLUMNS.map(([n]) => n)]) {
    await db.schema.alterTable('relays').dropColumn(name).execute();
  }
}
