import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures } from '@labmgr/protocol';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { migrateTo, migrateToLatest } from '../src/db/migrator.js';
import type { Database } from '../src/db/schema.js';
import { databases } from './databases.js';

describe.each(databases)('migrations with data on $name', (database) => {
  let db: Kysely<Database>;
  let dataDir: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'labmgr-migrate-'));
    const created = await database.create();
    drop = created.drop;
    db = openDatabase({ dataDir, databaseUrl: created.url }).db;
  });

  afterAll(async () => {
    await db?.destroy();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('0006 moves each inventory to computer_inventories and keeps its user names, and goes back down', async () => {
    await migrateTo(db, '0005_labs');
    const inventory = fixtures.inventory();
    const names = [...new Set(inventory.users.map((u) => u.user))];
    expect(names.length).toBeGreaterThan(0);
    for (const [id, inv] of [
      ['c1', JSON.stringify(inventory)],
      ['c2', null],
    ] as const) {
      await sql`insert into computers (id, hostname, credential_hash, status, inventory, inventory_updated_at, created_at)
        values (${id}, ${`pc-${id}`}, ${`hash-${id}`}, 'offline', ${inv}, ${inv ? 1234 : null}, 1)`.execute(
        db,
      );
    }

    await migrateToLatest(db);
    const moved = await db.selectFrom('computer_inventories').selectAll().execute();
    expect(moved.map((r) => ({ ...r, updated_at: Number(r.updated_at) }))).toEqual([
      { computer_id: 'c1', inventory: JSON.stringify(inventory), updated_at: 1234 },
    ]);
    const users = await db.selectFrom('computers').select(['id', 'logged_in_users']).orderBy('id').execute();
    expect(users).toEqual([
      { id: 'c1', logged_in_users: JSON.stringify(names) },
      { id: 'c2', logged_in_users: '[]' },
    ]);

    await migrateTo(db, '0005_labs');
    const back = await sql<{ id: string; inventory: string | null }>`
      select id, inventory from computers order by id`.execute(db);
    expect(back.rows).toEqual([
      { id: 'c1', inventory: JSON.stringify(inventory) },
      { id: 'c2', inventory: null },
    ]);
    await migrateToLatest(db);
  });
});
