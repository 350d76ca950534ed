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

  it('0008 keeps the raw samples and their figures, drops the whole-sample JSON, and goes back down', async () => {
    await migrateTo(db, '0007_revocations');
    await sql`insert into computers (id, hostname, credential_hash, status, created_at)
      values ('c8', 'pc-c8', 'hash-c8', 'online', 1)`.execute(db);
    await sql`insert into metric_samples
      (computer_id, seq, at, cpu_percent, mem_used, mem_total, disk_used, disk_total, load1, net_rx, net_tx, sample)
      values ('c8', 7, 1000, 12.5, 100, 200, 300, 400, 0.5, 10, 20, ${JSON.stringify(fixtures.sample(1000, 12.5))})`.execute(
      db,
    );

    await migrateToLatest(db);
    const rows = await sql<
      Record<string, unknown>
    >`select * from metric_samples where computer_id = 'c8'`.execute(db);
    expect(
      rows.rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            typeof v === 'string' && k !== 'computer_id' ? Number(v) : v,
          ]),
        ),
      ),
    ).toEqual([
      {
        computer_id: 'c8',
        seq: 7,
        at: 1000,
        cpu_percent: 12.5,
        mem_used: 100,
        mem_total: 200,
        disk_used: 300,
        disk_total: 400,
        load1: 0.5,
        net_rx: 10,
        net_tx: 20,
      },
    ]);

    await migrateTo(db, '0007_revocations');
    const back = await sql<{
      seq: unknown;
      sample: string;
    }>`select seq, sample from metric_samples where computer_id = 'c8'`.execute(db);
    expect(back.rows.map((r) => ({ seq: Number(r.seq), sample: r.sample }))).toEqual([
      { seq: 7, sample: '{}' },
    ]);
    await migrateToLatest(db);
  });

  it('0012 frees the seats retired computers held and leaves the others seated', async () => {
    await migrateTo(db, '0011_scripts');
    for (const [id, retired] of [
      ['r1', 1],
      ['r2', 0],
    ] as const) {
      await sql`insert into computers (id, hostname, credential_hash, status, created_at, retired, lab_id, seat_row, seat_col)
        values (${id}, ${`pc-${id}`}, ${`hash-${id}`}, 'offline', 1, ${retired}, 'lab-12', 1, ${retired ? 1 : 2})`.execute(
        db,
      );
    }
    await migrateToLatest(db);
    const seats = await sql<{ id: string; lab_id: string; seat_row: number | null; seat_col: number | null }>`
      select id, lab_id, seat_row, seat_col from computers where id in ('r1', 'r2') order by id`.execute(db);
    expect(seats.rows).toEqual([
      { id: 'r1', lab_id: 'lab-12', seat_row: null, seat_col: null },
      { id: 'r2', lab_id: 'lab-12', seat_row: 1, seat_col: 2 },
    ]);
  });

  it('0013 gives existing computers no losses, and goes back down', async () => {
    await migrateTo(db, '0012_retired_free_seats');
    await sql`insert into computers (id, hostname, credential_hash, status, created_at)
      values ('l1', 'pc-l1', 'hash-l1', 'offline', 1)`.execute(db);
    await migrateToLatest(db);
    const row = await sql<{ samples_lost: unknown; last_loss_at: unknown }>`
      select samples_lost, last_loss_at from computers where id = 'l1'`.execute(db);
    expect(row.rows.map((r) => [Number(r.samples_lost), r.last_loss_at])).toEqual([[0, null]]);
    await migrateTo(db, '0012_retired_free_seats');
    const cols = await sql<Record<string, unknown>>`select * from computers where id = 'l1'`.execute(db);
    expect(Object.keys(cols.rows[0] ?? {})).not.toContain('samples_lost');
    await migrateToLatest(db);
  });
  it('0015 keys raw samples by (computer_id, at, seq) with no other index, keeps every row, and goes back down', async () => {
    await migrateTo(db, '0014_latest_seq');
    await sql`insert into computers (id, hostname, credential_hash, status, created_at)
      values ('k1', 'pc-k1', 'hash-k1', 'online', 1), ('k2', 'pc-k2', 'hash-k2', 'online', 1)`.execute(db);
    const rows = [
      ['k1', 1, 3000],
      ['k1', 2, 2000],
      ['k1', 3, 4000],
      ['k2', 1, 1000],
    ] as const;
    for (const [id, seq, at] of rows)
      await sql`insert into metric_samples (computer_id, seq, at, cpu_percent, mem_used, mem_total, disk_used,
        disk_total, load1, net_rx, net_tx) values (${id}, ${seq}, ${at}, ${seq * 10}, 1, 2, 3, 4, 0.5, 6, 7)`.execute(
        db,
      );
    const read = async () =>
      (
        await sql<{ computer_id: string; seq: unknown; at: unknown; cpu_percent: unknown }>`
          select computer_id, seq, at, cpu_percent from metric_samples where computer_id in ('k1', 'k2')
          order by computer_id, at`.execute(db)
      ).rows.map((r) => [r.computer_id, Number(r.seq), Number(r.at), Number(r.cpu_percent)]);

    await migrateToLatest(db);
    expect(await read()).toEqual([
      ['k1', 2, 2000, 20],
      ['k1', 1, 3000, 10],
      ['k1', 3, 4000, 30],
      ['k2', 1, 1000, 10],
    ]);
    const insertAgain = (seq: number, at: number) =>
      sql`insert into metric_samples (computer_id, seq, at, cpu_percent, mem_used, mem_total, disk_used,
        disk_total, load1, net_rx, net_tx) values ('k1', ${seq}, ${at}, 99, 1, 2, 3, 4, 0.5, 6, 7)
        on conflict (computer_id, at, seq) do nothing`.execute(db);
    // A re-sent frame (same seq, same time) is the key's duplicate: not stored twice.
    expect(Number((await insertAgain(3, 4000)).numAffectedRows ?? 0)).toBe(0);
    if (database.name === 'sqlite') {
      const table = await sql<{
        sql: string;
      }>`select sql from sqlite_master where name = 'metric_samples'`.execute(db);
      expect(table.rows[0]?.sql).toMatch(/without rowid$/i);
      const indexes = await sql<{ name: string }>`select name from sqlite_master
        where type = 'index' and tbl_name = 'metric_samples'`.execute(db);
      // The key's own B-tree is the table: no separate index at all.
      expect(indexes.rows.map((r) => r.name)).toEqual([]);
    } else {
      const indexes = await sql<{
        indexname: string;
        indexdef: string;
      }>`select indexname, indexdef from pg_indexes
        where tablename = 'metric_samples'`.execute(db);
      expect(indexes.rows).toEqual([
        {
          indexname: 'metric_samples_pk',
          indexdef: expect.stringMatching(/\(computer_id, at, seq\)$/),
        },
      ]);
    }

    // Down: the old key again; of rows sharing a seq (a misbehaving agent), the earliest stays.
    await insertAgain(3, 5000);
    await migrateTo(db, '0014_latest_seq');
    expect(await read()).toEqual([
      ['k1', 2, 2000, 20],
      ['k1', 1, 3000, 10],
      ['k1', 3, 4000, 30],
      ['k2', 1, 1000, 10],
    ]);
    await migrateToLatest(db);
  });
});
