import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrator.js';
import type { Database } from '../db/schema.js';
import { IngestRepository } from './ingest.repository.js';
import { ingestWrite, insertComputers, sampleRow, storedSampleKeys } from './testing.js';

const open: { db: Kysely<Database>; dir: string }[] = [];
afterEach(async () => {
  for (const { db, dir } of open.splice(0)) {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function database() {
  const dir = mkdtempSync(join(tmpdir(), 'labmgr-ingest-writer-'));
  const { db } = openDatabase({ dataDir: dir });
  open.push({ db, dir });
  await migrateToLatest(db);
  await insertComputers(db, ['c1', 'c2']);
  return db;
}

describe('SQLite ingest writer thread', () => {
  it('stores batches written at once, each alone: a failing one is rolled back, the others committed', async () => {
    const db = await database();
    const store = new IngestRepository(db, 'sqlite');
    const results = await Promise.allSettled([
      store.write(ingestWrite([sampleRow('c1', 1), sampleRow('c1', 2, 3)])),
      // Unknown computer: the foreign key refuses it, in its own savepoint.
      store.write(ingestWrite([sampleRow('c2', 1), sampleRow('nope', 1)])),
      store.write(ingestWrite([sampleRow('c2', 2), sampleRow('c1', 2, 3)])),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const [first, , third] = results;
    expect(first?.status === 'fulfilled' && [...first.value.losses]).toEqual([['c1', { lost: 3, at: 2000 }]]);
    // c1's seq 2 was stored by the first batch: neither stored nor its loss counted again.
    expect(third?.status === 'fulfilled' && third.value.losses.size).toBe(0);
    expect(third?.status === 'fulfilled' && [...third.value.latest]).toEqual(['c2']);
    expect(await storedSampleKeys(db)).toEqual(['c1:1', 'c1:2', 'c2:2']);
    const c1 = await db.selectFrom('computers').selectAll().where('id', '=', 'c1').executeTakeFirstOrThrow();
    expect({ lost: Number(c1.samples_lost), seq: Number(c1.latest_seq), status: c1.status }).toEqual({
      lost: 3,
      seq: 2,
      status: 'online',
    });
  });

  it('lets a transaction of the main connection read, then write, while batches are committed beside it', async () => {
    const db = await database();
    const store = new IngestRepository(db, 'sqlite');
    let seq = 0;
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++)
      writes.push(store.write(ingestWrite([sampleRow('c1', ++seq), sampleRow('c2', seq)])));
    for (let i = 0; i < 20; i++) {
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('computers')
          .select('notes')
          .where('id', '=', 'c2')
          .executeTakeFirst();
        await new Promise((r) => setTimeout(r, 2));
        await trx
          .updateTable('computers')
          .set({ notes: `${row?.notes ?? ''}x` })
          .where('id', '=', 'c2')
          .execute();
      });
    }
    await Promise.all(writes);
    const c2 = await db
      .selectFrom('computers')
      .select(['notes', 'latest_seq'])
      .where('id', '=', 'c2')
      .executeTakeFirst();
    expect(c2).toEqual({ notes: 'x'.repeat(20), latest_seq: 40 });
  });

  it('finishes the batches queued when the database is closed', async () => {
    const db = await database();
    const store = new IngestRepository(db, 'sqlite');
    const writes = Array.from({ length: 10 }, (_, i) => store.write(ingestWrite([sampleRow('c1', i + 1)])));
    const entry = open.pop();
    await db.destroy();
    await expect(Promise.all(writes)).resolves.toHaveLength(10);
    const { db: again } = openDatabase({ dataDir: entry?.dir ?? '' });
    open.push({ db: again, dir: entry?.dir ?? '' });
    const count = await again
      .selectFrom('metric_samples')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(count?.n)).toBe(10);
  });
});
