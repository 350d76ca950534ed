import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import pg from 'pg';
import { Checkpointer, FALLBACK_AUTOCHECKPOINT_PAGES } from './checkpointer.js';
import type { Database } from './schema.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Where the data lives, for logs (never includes a password). */
  location: string;
  /** SQLite with `backgroundCheckpoint`: stop it before destroying `db`. */
  checkpointer?: Checkpointer;
}

// The better-sqlite3 handle behind each SQLite Kysely this module opened, for
// the few hot paths (ingest) that run reused prepared statements directly.
const sqliteHandles = new WeakMap<object, SqliteDatabase.Database>();

/** The better-sqlite3 handle behind `db` when `openDatabase` opened it on SQLite. */
export function sqliteHandleOf(db: Kysely<Database>): SqliteDatabase.Database | undefined {
  return sqliteHandles.get(db);
}

/**
 * Kysely's SQLite driver, but transactions take the write lock as they begin
 * (`BEGIN IMMEDIATE`): the ingest writer commits from its own connection in a
 * worker thread, and a deferred transaction that had read before such a commit
 * could not write afterwards (SQLITE_BUSY_SNAPSHOT, which no busy timeout
 * retries). Waiting for the lock up front is what the busy timeout covers.
 * `destroy` first runs what was registered with `onSqliteDestroy`.
 */
class LabmgrSqliteDriver extends SqliteDriver {
  readonly closers: (() => Promise<void>)[] = [];

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async destroy(): Promise<void> {
    for (const close of this.closers.splice(0)) await close();
    await super.destroy();
  }
}

class LabmgrSqliteDialect extends SqliteDialect {
  readonly driver: LabmgrSqliteDriver;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.driver = new LabmgrSqliteDriver(config);
  }

  override createDriver(): Driver {
    return this.driver;
  }
}

const sqliteDrivers = new WeakMap<object, LabmgrSqliteDriver>();

/**
 * Runs `close` when `db` (a SQLite Kysely `openDatabase` opened) is destroyed,
 * before its connection closes: for helpers that hold their own connection or
 * thread (the ingest writer). Returns false for any other Kysely.
 */
export function onSqliteDestroy(db: Kysely<Database>, close: () => Promise<void>): boolean {
  const driver = sqliteDrivers.get(db);
  driver?.closers.push(close);
  return driver !== undefined;
}

const pgPools = new WeakMap<object, pg.Pool>();

/** The pg pool behind `db` when `openDatabase` opened it on PostgreSQL (array-mode chart reads). */
export function pgPoolOf(db: Kysely<Database>): pg.Pool | undefined {
  return pgPools.get(db);
}

// int8 (bigint) columns hold epoch-ms timestamps and byte counts, all within
// 2^53; read them as numbers rather than pg's default strings.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/**
 * Opens SQLite in `dataDir` (WAL, so readers never block the ingest writer)
 * unless `databaseUrl` names a PostgreSQL server.
 */
/** SQLite page cache of the main connection, KiB. */
export const SQLITE_CACHE_KIB = 64 * 1024;

/** How SQLite syncs its WAL (LABMGR_SQLITE_SYNCHRONOUS). */
export type SqliteSynchronous = 'full' | 'normal';

export function openDatabase(opts: {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** SQLite: checkpoint the WAL from a worker thread (long-running servers; see Checkpointer). */
  backgroundCheckpoint?: boolean;
  onCheckpointError?: (message: string) => void;
  /** PostgreSQL: an idle pooled connection failed (server restart, network); the pool replaces it. */
  onPoolError?: (err: Error) => void;
  /**
   * SQLite: `full` syncs the WAL at every commit, so what the backend acks
   * survives a power loss; `normal` survives a process crash only. @default 'full'
   */
  sqliteSynchronous?: SqliteSynchronous;
}): DatabaseHandle {
  if (opts.databaseUrl) {
    const url = new URL(opts.databaseUrl);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new Error(`DATABASE_URL must start with postgres:// (got ${url.protocol}//)`);
    }
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // Without a listener, an idle connection the server closes (a restart, a network cut,
    // a database dropped in tests) is an uncaught error that ends the process.
    pool.on('error', (err) => opts.onPoolError?.(err));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    pgPools.set(db, pool);
    return { db, kind: 'postgres', location: `postgres://${url.host}${url.pathname}` };
  }
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const file = join(opts.dataDir, 'labmgr.sqlite');
  restrictToOwner(file);
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  // Agents drop a sample once its ack arrives, so an acked commit must survive
  // a power loss: FULL syncs the WAL at each commit (one per ingest batch).
  // NORMAL survives a process crash (SIGKILL) but an OS crash or power loss
  // can take the last commits, whose samples the agents already dropped.
  sqlite.pragma(`synchronous = ${opts.sqliteSynchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  // Page cache of 64 MiB (SQLite's default is 2 MiB): each ingest batch touches
  // the newest index pages of every computer in it, two per computer, 8 MiB at
  // 1,000 computers; with the default they were read back from the OS every batch.
  sqlite.pragma(`cache_size = ${-SQLITE_CACHE_KIB}`);
  sqlite.pragma('busy_timeout = 5000');
  let checkpointer: Checkpointer | undefined;
  if (opts.backgroundCheckpoint) {
    sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    // A WAL that grew during a burst is cut back once checkpointed.
    sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    checkpointer = new Checkpointer({ file, onError: opts.onCheckpointError });
  }
  const dialect = new LabmgrSqliteDialect({ database: sqlite });
  const db = new Kysely<Database>({ dialect });
  sqliteHandles.set(db, sqlite);
  sqliteDrivers.set(db, dialect.driver);
  return { db, kind: 'sqlite', location: file, ...(checkpointer ? { checkpointer } : {}) };
}

/**
 * The database holds password hashes, session and credential digests: only
 * its owner may read it. Creates `file` empty with mode 0600 (SQLite takes an
 * empty file as a new database) or tightens an existing file, and its `-wal`
 * and `-shm` files if present, to 0600. SQLite creates those two with the
 * database file's mode, so they follow it. Not on Windows (no such modes).
 */
export function restrictToOwner(file: string): void {
  if (process.platform === 'win32') return;
  // 'a': creates without truncating; the mode only applies to a new file (and the umask may tighten it further).
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    let mode: number;
    try {
      mode = statSync(path).mode;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && path !== file) continue;
      throw err;
    }
    if ((mode & 0o077) !== 0) chmodSync(path, 0o600);
  }
}
