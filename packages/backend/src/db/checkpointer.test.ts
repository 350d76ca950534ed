import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Checkpointer } from './checkpointer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function walDatabase(): { file: string; db: SqliteDatabase.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'labmgr-ckpt-'));
  dirs.push(dir);
  const file = join(dir, 'db.sqlite');
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  // Only the checkpointer may move pages into the database file.
  db.pragma('wal_autocheckpoint = 0');
  db.exec('create table t (id integer primary key, v blob)');
  return { file, db };
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Checkpointer', () => {
  it('copies committed WAL pages into the database file from its own thread', async () => {
    const { file, db } = walDatabase();
    const insert = db.prepare('insert into t (v) values (?)');
    db.transaction(() => {
      for (let i = 0; i < 500; i++) insert.run(Buffer.alloc(4096, i));
    })();
    const before = statSync(file).size;
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(2_000_000);

    const checkpointer = new Checkpointer({ file, intervalMs: 20 });
    try {
      await until(() => statSync(file).size > before + 2_000_000, 5000);
      // The writer keeps going while it runs, and what it wrote reads back whole.
      insert.run(Buffer.alloc(10, 1));
      expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 501 });
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('reports a database it cannot open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labmgr-ckpt-'));
    dirs.push(dir);
    const errors: string[] = [];
    const checkpointer = new Checkpointer({
      file: join(dir, 'missing.sqlite'),
      onError: (m) => errors.push(m),
    });
    await until(() => errors.length > 0, 5000);
    expect(errors[0]).toMatch(/missing\.sqlite|unable to open|does not exist/i);
    await checkpointer.stop();
  });
});
