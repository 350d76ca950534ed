import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseKind, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import type { Database } from '../src/db/schema.js';
import { IngestRepository } from '../src/ingest/ingest.repository.js';
import { ingestWrite, insertComputers, sampleRow, storedSampleKeys } from '../src/ingest/testing.js';
import { databases } from './databases.js';

/**
 * The ingest write path of each database: batches written at once go into one
 * transaction (group commit), each still stored whole or not at all, each
 * frame's loss counted once, the newest figures kept.
 */
describe.each(databases)('ingest writes grouped on $name', (database) => {
  let db: Kysely<Database>;
  let kind: DatabaseKind;
  let dir: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'labmgr-ingest-group-'));
    const created = await database.create();
    drop = created.drop;
    const handle = openDatabase({ dataDir: dir, databaseUrl: created.url });
    db = handle.db;
    kind = handle.kind;
    await migrateToLatest(db);
    await insertComputers(db, ['g1', 'g2', 'g3']);
  });

  afterAll(async () => {
    await db?.destroy();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the good batches of a group and refuses the bad one alone; a loss reported twice counts once', async () => {
    const store = new IngestRepository(db, kind);
    const results = await Promise.allSettled([
      store.write(ingestWrite([sampleRow('g1', 1), sampleRow('g1', 3, 1)])),
      store.write(ingestWrite([sampleRow('g2', 1), sampleRow('unknown', 1)])), // foreign key: refused
      store.write(ingestWrite([sampleRow('g1', 3, 1), sampleRow('g1', 2), sampleRow('g2', 2)])), // g1:3 again
      store.write(ingestWrite([sampleRow('g3', 7, 2)])),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const value = (k: number) => {
      const r = results[k];
      if (r?.status !== 'fulfilled') throw new Error(`batch ${k} failed`);
      return { losses: Object.fromEntries(r.value.losses), latest: [...r.value.latest].sort() };
    };
    expect(value(0)).toEqual({ losses: { g1: { lost: 1, at: 3000 } }, latest: ['g1'] });
    // g1's newest figures are seq 3, from the first batch; g2's from this one.
    expect(value(2)).toEqual({ losses: {}, latest: ['g2'] });
    expect(value(3)).toEqual({ losses: { g3: { lost: 2, at: 7000 } }, latest: ['g3'] });

    expect(await storedSampleKeys(db)).toEqual(['g1:1', 'g1:2', 'g1:3', 'g2:2', 'g3:7']);
    const computers = await db
      .selectFrom('computers')
      .select(['id', 'samples_lost', 'latest_seq', 'status'])
      .orderBy('id')
      .execute();
    expect(computers.map((c) => [c.id, Number(c.samples_lost), Number(c.latest_seq), c.status])).toEqual([
      ['g1', 1, 3, 'online'],
      ['g2', 0, 2, 'online'],
      ['g3', 2, 7, 'online'],
    ]);
  });
  it('stores a group of samples and figures alone (one statement on PostgreSQL) and refuses its bad batch alone', async () => {
    await insertComputers(db, ['p1', 'p2']);
    const store = new IngestRepository(db, kind);
    const results = await Promise.allSettled([
      store.write(ingestWrite([sampleRow('p1', 1), sampleRow('p1', 2)])),
      store.write(ingestWrite([sampleRow('p2', 1), sampleRow('nobody', 1)])), // foreign key: refused
      store.write(ingestWrite([sampleRow('p1', 2), sampleRow('p2', 2)])), // p1:2 again, newer figures for p2
      store.write(ingestWrite([sampleRow('p1', 1)])), // older than p1's stored figures: replaces none
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const latest = (k: number) => {
      const r = results[k];
      if (r?.status !== 'fulfilled') throw new Error(`batch ${k} failed`);
      expect(r.value.losses.size).toBe(0);
      return [...r.value.latest].sort();
    };
    expect([latest(0), latest(2), latest(3)]).toEqual([['p1'], ['p2'], []]);
    expect(await storedSampleKeys(db, ['p1', 'p2'])).toEqual(['p1:1', 'p1:2', 'p2:2']);
    const computers = await db
      .selectFrom('computers')
      .select(['id', 'latest_seq', 'status'])
      .where('id', 'in', ['p1', 'p2'])
      .orderBy('id')
      .execute();
    expect(computers.map((c) => [c.id, Number(c.latest_seq), c.status])).toEqual([
      ['p1', 2, 'online'],
      ['p2', 2, 'online'],
    ]);
  });
});
