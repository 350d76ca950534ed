import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe.skipIf(process.platform === 'win32')('SQLite file mode', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'labmgr-db-mode-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates a new database and its -wal/-shm files readable by the owner only (0600)', async () => {
    const dataDir = join(tempDir(), 'data');
    const handle = openDatabase({ dataDir });
    try {
      // A write makes SQLite create the WAL and its shared-memory index.
      await sql`CREATE TABLE t (x INTEGER)`.execute(handle.db);
      await sql`INSERT INTO t VALUES (1)`.execute(handle.db);
      const file = join(dataDir, 'labmgr.sqlite');
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(file)).toBe(0o600);
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(existsSync(`${file}-shm`)).toBe(true);
      expect(mode(`${file}-shm`)).toBe(0o600);
    } finally {
      await handle.db.destroy();
    }
  });

  it('tightens an existing world-readable database (and a left-over -wal/-shm) to 0600 at open', async () => {
    const dataDir = tempDir();
    const first = openDatabase({ dataDir });
    await sql`CREATE TABLE t (x INTEGER)`.execute(first.db);
    await sql`INSERT INTO t VALUES (1)`.execute(first.db);
    await first.db.destroy();
    const file = join(dataDir, 'labmgr.sqlite');
    chmodSync(file, 0o644);
    // As left by an older version that crashed before its checkpoint.
    writeFileSync(`${file}-wal`, '');
    chmodSync(`${file}-wal`, 0o644);
    writeFileSync(`${file}-shm`, '');
    chmodSync(`${file}-shm`, 0o666);

    const again = openDatabase({ dataDir });
    try {
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
      const rows = await sql<{ x: number }>`SELECT x FROM t`.execute(again.db);
      expect(rows.rows).toEqual([{ x: 1 }]);
    } finally {
      await again.db.destroy();
    }
  });
});
