import { type Kysely, SqliteAdapter } from 'kysely';

/** The few places where SQLite and PostgreSQL DDL differ ask this. */
export function isSqlite(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}
