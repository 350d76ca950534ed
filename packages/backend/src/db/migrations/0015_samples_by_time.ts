import { type Kysely, sql } from 'kysely';
import { isSqlite } from '../dialect.js';

// Raw samples keyed by (computer_id, at, seq), with no other index. Every read
// is one computer's time range (charts, folding into rollups, retention), and
// the key serves all of them. Before, each ingested row went into three
// B-trees on SQLite (the rowid table, the (computer_id, seq) key and the
// (computer_id, at) index), two of them at a random place per computer: an
// ingest batch of 500 computers dirtied ~1,000 index leaves, and writing them
// to the WAL and back was most of the ingest cost on a database holding a day
// of history. On SQLite the table is now WITHOUT ROWID (the rows live in the
// key's own B-tree, one leaf per computer per batch); on PostgreSQL one index
// instead of two.
//
// Duplicates: a re-sent or replayed frame is the same text, so the same
// (seq, at), and still lands on the key. Rebuilding the SQLite table copies
// every row once (minutes on a large database, once).
const COLUMNS =
  'computer_id, seq, at, cpu_percent, mem_used, mem_total, disk_used, disk_total, load1, net_rx, net_tx';

function createSqliteTable(name: string, key: string, withoutRowid: boolean) {
  return sql.raw(`create table ${name} (
    computer_id text not null references computers(id) on delete cascade,
    seq bigint not null,
    at bigint not null,
    cpu_percent double precision not null,
    mem_used bigint not null,
    mem_total bigint not null,
    disk_used bigint not null,
    disk_total bigint not null,
    load1 double precision not null,
    net_rx double precision not null,
    net_tx double precision not null,
    constraint metric_samples_pk primary key (${key})
  )${withoutRowid ? ' without rowid' : ''}`);
}

async function rebuildSqlite(db: Kysely<unknown>, key: string, withoutRowid: boolean): Promise<void> {
  await createSqliteTable('metric_samples_new', key, withoutRowid).execute(db);
  // In key order: the new B-tree is written left to right.
  await sql
    .raw(
      `insert or ignore into metric_samples_new (${COLUMNS})
       select ${COLUMNS} from metric_samples order by ${key}`,
    )
    .execute(db);
  await sql`drop table metric_samples`.execute(db);
  await sql`alter table metric_samples_new rename to metric_samples`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) {
    await rebuildSqlite(db, 'computer_id, at, seq', true);
    return;
  }
  await sql`alter table metric_samples drop constraint metric_samples_pk`.execute(db);
  await sql`alter table metric_samples add constraint metric_samples_pk primary key (computer_id, at, seq)`.execute(
    db,
  );
  await sql`drop index metric_samples_at_idx`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) {
    // `insert or ignore`: of rows sharing a seq (only a misbehaving agent sends those), the first in time stays.
    await rebuildSqlite(db, 'computer_id, seq', false);
    await sql`create index metric_samples_at_idx on metric_samples (computer_id, at)`.execute(db);
    return;
  }
  await sql`delete from metric_samples a using metric_samples b
    where a.computer_id = b.computer_id and a.seq = b.seq and a.at > b.at`.execute(db);
  await sql`alter table metric_samples drop constraint metric_samples_pk`.execute(db);
  await sql`alter table metric_samples add constraint metric_samples_pk primary key (computer_id, seq)`.execute(
    db,
  );
  await sql`create index metric_samples_at_idx on metric_samples (computer_id, at)`.execute(db);
}
