import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, sqliteHandleOf } from './database.js';

describe('SQLite durability', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const synchronousOf = async (opts: { sqliteSynchronous?: 'full' | 'normal' }) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'labmgr-db-sync-'));
    dirs.push(dataDir);
    const handle = openDatabase({ dataDir, ...opts });
    try {
      return sqliteHandleOf(handle.db)?.pragma('synchronous', { simple: true });
    } finally {
      await handle.db.destroy();
    }
  };

  it('syncs the WAL at every commit by default (what is acked survives a power loss), NORMAL when asked', async () => {
    // SQLite's codes: 1 NORMAL, 2 FULL.
    expect(await synchronousOf({})).toBe(2);
    expect(await synchronousOf({ sqliteSynchronous: 'full' })).toBe(2);
    expect(await synchronousOf({ sqliteSynchronous: 'normal' })).toBe(1);
  });
});
