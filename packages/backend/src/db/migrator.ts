import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import * as m0001 from './migrations/0001_initial.js';
import * as m0002 from './migrations/0002_relay_control.js';
import * as m0003 from './migrations/0003_metric_rollups.js';
import * as m0004 from './migrations/0004_users_tokens.js';
import * as m0005 from './migrations/0005_labs.js';
import * as m0006 from './migrations/0006_inventory_table.js';
import * as m0007 from './migrations/0007_revocations.js';
import * as m0008 from './migrations/0008_raw_samples_figures_only.js';
import * as m0009 from './migrations/0009_commands.js';
import * as m0010 from './migrations/0010_run_executor.js';
import * as m0011 from './migrations/0011_scripts.js';
import * as m0012 from './migrations/0012_retired_free_seats.js';
import * as m0013 from './migrations/0013_samples_lost.js';
import * as m0014 from './migrations/0014_latest_seq.js';
import * as m0015 from './migrations/0015_samples_by_time.js';
import type { Database } from './schema.js';

/** Listed explicitly (not read from disk) so the built package carries its migrations. */
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_relay_control': m0002,
  '0003_metric_rollups': m0003,
  '0004_users_tokens': m0004,
  '0005_labs': m0005,
  '0006_inventory_table': m0006,
  '0007_revocations': m0007,
  '0008_raw_samples_figures_only': m0008,
  '0009_commands': m0009,
  '0010_run_executor': m0010,
  '0011_scripts': m0011,
  '0012_retired_free_seats': m0012,
  '0013_samples_lost': m0013,
  '0014_latest_seq': m0014,
  '0015_samples_by_time': m0015,
};

/** Migrates up (or down) to the named migration: tests of a migration's data step start from the one before. */
export async function migrateTo(db: Kysely<Database>, name: string): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateTo(name);
  if (result.error)
    throw new Error(`migration to ${name} failed: ${String(result.error)}`, { cause: result.error });
  return result;
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}
