import { type Kysely, sql } from 'kysely';

// The inventory (several KB of JSON per computer) moves out of `computers`
// into `computer_inventories`: every ingest batch updates each computer's
// latest figures, and SQLite rewrites the whole row on an UPDATE, so the
// inventory in the row made that update ~5x dearer (58 µs against 12 µs per
// row measured here). The fleet view needs only the logged-in user names from
// it: they stay in `computers.logged_in_users` (a small JSON array).
// `display_name` is the name an administrator gives a computer; `hostname`
// stays what the agent reports.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('computer_inventories')
    .addColumn('computer_id', 'text', (c) => c.primaryKey())
    .addColumn('inventory', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('computers')
    .addColumn('logged_in_users', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('computers').addColumn('display_name', 'text').execute();

  const rows = await sql<{ id: string; inventory: string; inventory_updated_at: number | null }>`
    select id, inventory, inventory_updated_at from computers where inventory is not null`.execute(db);
  for (const row of rows.rows) {
    await sql`insert into computer_inventories (computer_id, inventory, updated_at)
      values (${row.id}, ${row.inventory}, ${Number(row.inventory_updated_at ?? 0)})`.execute(db);
    await sql`update computers set logged_in_users = ${JSON.stringify(userNames(row.inventory))}
      where id = ${row.id}`.execute(db);
  }
  await db.schema.alterTable('computers').dropColumn('inventory').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('computers').addColumn('inventory', 'text').execute();
  await sql`update computers set inventory =
    (select inventory from computer_inventories i where i.computer_id = computers.id)`.execute(db);
  await db.schema.alterTable('computers').dropColumn('display_name').execute();
  await db.schema.alterTable('computers').dropColumn('logged_in_users').execute();
  await db.schema.dropTable('computer_inventories').execute();
}

/** The distinct user names of an inventory's logged-in sessions. */
function userNames(inventory: string): string[] {
  try {
    const inv = JSON.parse(inventory) as { users?: { user?: unknown }[] };
    return [
      ...new Set((inv.users ?? []).map((u) => u.user).filter((u): u is string => typeof u === 'string')),
    ];
  } catch {
    return [];
  }
}
