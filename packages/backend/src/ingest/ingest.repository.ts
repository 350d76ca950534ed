import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { ComputerRow } from '../computers/computer.repository.js';
import type { DatabaseKind } from '../db/database.js';
import { sqliteHandleOf } from '../db/database.js';
import type { Database } from '../db/schema.js';

/** One metric sample as stored in `metric_samples`, column order of the INSERT. */
export interface SampleRow {
  computerId: string;
  seq: number;
  at: number;
  cpuPercent: number;
  memUsed: number;
  memTotal: number;
  diskUsed: number;
  diskTotal: number;
  load1: number;
  netRx: number;
  netTx: number;
}

export interface InventoryUpdate {
  computerId: string;
  inventory: string;
  /** JSON array of the distinct logged-in user names. */
  loggedInUsers: string;
  at: number;
  hostname: string;
  osName: string;
  agentVersion: string;
}

export interface IngestWrite {
  samples: SampleRow[];
  inventories: InventoryUpdate[];
  /** Latest figures (JSON) per computer that sent metrics. */
  latest: { computerId: string; metrics: string }[];
  relayId: string;
  now: number;
}

const INVENTORY_UPSERT = `insert into computer_inventories (computer_id, inventory, updated_at) values (?, ?, ?)
  on conflict (computer_id) do update set inventory = excluded.inventory, updated_at = excluded.updated_at`;

const SAMPLE_COLUMNS =
  'computer_id, seq, at, cpu_percent, mem_used, mem_total, disk_used, disk_total, load1, net_rx, net_tx';

/**
 * The ingest hot path's SQL: looks up the batch's computers and stores a batch
 * (idempotent sample insert keyed by (computer_id, seq), inventories, latest
 * figures and last-seen) in one transaction.
 *
 * SQLite: better-sqlite3 statements prepared once and reused row by row inside
 * one transaction, while holding Kysely's single connection so no Kysely
 * transaction can interleave. PostgreSQL: one INSERT … SELECT FROM UNNEST(arrays)
 * … ON CONFLICT DO NOTHING and one UPDATE … FROM UNNEST per batch, so the
 * statement text never changes with the batch size.
 */
export class IngestRepository {
  private readonly raw: SqliteDatabase.Database | undefined;
  private stmts:
    | {
        find: SqliteDatabase.Statement;
        target: SqliteDatabase.Statement;
        insert: SqliteDatabase.Statement;
        latest: SqliteDatabase.Statement;
        inventory: SqliteDatabase.Statement;
        inventoryRow: SqliteDatabase.Statement;
        write: (w: IngestWrite) => void;
      }
    | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DatabaseKind,
  ) {
    this.raw = kind === 'sqlite' ? sqliteHandleOf(db) : undefined;
  }

  /** Prepared on first use: the tables exist only once migrations have run. */
  private sqlite(raw: SqliteDatabase.Database) {
    if (this.stmts) return this.stmts;
    const find = raw.prepare('select * from computers where id = ?');
    const target = raw.prepare('select id, status from computers where id = ? and retired = 0');
    const insert = raw.prepare(
      `insert into metric_samples (${SAMPLE_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (computer_id, seq) do nothing`,
    );
    const latest = raw.prepare(
      `update computers set latest_metrics = ?, last_seen_at = ?, status = 'online', relay_id = ? where id = ?`,
    );
    const inventory = raw.prepare(
      'update computers set logged_in_users = ?, inventory_updated_at = ?, hostname = ?, os_name = ?, agent_version = ? where id = ?',
    );
    const inventoryRow = raw.prepare(INVENTORY_UPSERT);
    const write = raw.transaction((w: IngestWrite) => {
      for (const s of w.samples) {
        insert.run(
          s.computerId,
          s.seq,
          s.at,
          s.cpuPercent,
          s.memUsed,
          s.memTotal,
          s.diskUsed,
          s.diskTotal,
          s.load1,
          s.netRx,
          s.netTx,
        );
      }
      for (const i of w.inventories) {
        inventoryRow.run(i.computerId, i.inventory, i.at);
        inventory.run(i.loggedInUsers, i.at, i.hostname, i.osName, i.agentVersion, i.computerId);
      }
      for (const l of w.latest) latest.run(l.metrics, w.now, w.relayId, l.computerId);
    });
    this.stmts = { find, target, insert, latest, inventory, inventoryRow, write };
    return this.stmts;
  }

  /** The batch's computers that may store data (known, not retired), with their status. */
  async findIngestTargets(ids: readonly string[]): Promise<{ id: string; status: ComputerRow['status'] }[]> {
    if (ids.length === 0) return [];
    const raw = this.raw;
    if (raw) {
      return this.db.connection().execute(async () => {
        const { target } = this.sqlite(raw);
        const rows: { id: string; status: ComputerRow['status'] }[] = [];
        for (const id of ids) {
          const row = target.get(id) as { id: string; status: ComputerRow['status'] } | undefined;
          if (row) rows.push(row);
        }
        return rows;
      });
    }
    const query = this.db.selectFrom('computers').select(['id', 'status']).where('retired', '=', 0);
    if (this.kind === 'postgres') return query.where(sql<boolean>`id = any(${[...ids]}::text[])`).execute();
    return query.where('id', 'in', ids).execute();
  }

  async findComputers(ids: readonly string[]): Promise<ComputerRow[]> {
    if (ids.length === 0) return [];
    const raw = this.raw;
    if (raw) {
      return this.db.connection().execute(async () => {
        const { find } = this.sqlite(raw);
        const rows: ComputerRow[] = [];
        for (const id of ids) {
          const row = find.get(id) as ComputerRow | undefined;
          if (row) rows.push(row);
        }
        return rows;
      });
    }
    if (this.kind === 'postgres') {
      return this.db
        .selectFrom('computers')
        .selectAll()
        .where(sql<boolean>`id = any(${[...ids]}::text[])`)
        .execute();
    }
    return this.db.selectFrom('computers').selectAll().where('id', 'in', ids).execute();
  }

  async write(w: IngestWrite): Promise<void> {
    if (w.samples.length === 0 && w.inventories.length === 0 && w.latest.length === 0) return;
    const raw = this.raw;
    if (raw) {
      await this.db.connection().execute(async () => {
        this.sqlite(raw).write(w);
      });
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      if (this.kind === 'postgres') await writePostgres(trx, w);
      else await writeGeneric(trx, w);
    });
  }
}

async function writePostgres(trx: Kysely<Database>, w: IngestWrite): Promise<void> {
  if (w.samples.length > 0) {
    const cols: unknown[][] = Array.from({ length: 11 }, () => new Array(w.samples.length));
    w.samples.forEach((s, i) => {
      const v = [
        s.computerId,
        s.seq,
        s.at,
        s.cpuPercent,
        s.memUsed,
        s.memTotal,
        s.diskUsed,
        s.diskTotal,
        s.load1,
        s.netRx,
        s.netTx,
      ];
      for (let c = 0; c < 11; c++) (cols[c] as unknown[])[i] = v[c];
    });
    const [id, seq, at, cpu, mu, mt, du, dt, l1, rx, tx] = cols;
    await sql`insert into metric_samples (${sql.raw(SAMPLE_COLUMNS)})
      select * from unnest(${id}::text[], ${seq}::bigint[], ${at}::bigint[], ${cpu}::float8[],
        ${mu}::bigint[], ${mt}::bigint[], ${du}::bigint[], ${dt}::bigint[], ${l1}::float8[],
        ${rx}::float8[], ${tx}::float8[])
      on conflict (computer_id, seq) do nothing`.execute(trx);
  }
  await writeInventories(trx, w.inventories);
  if (w.latest.length > 0) {
    const ids = w.latest.map((l) => l.computerId);
    const metrics = w.latest.map((l) => l.metrics);
    await sql`update computers as c
      set latest_metrics = v.m, last_seen_at = ${w.now}, status = 'online', relay_id = ${w.relayId}
      from unnest(${ids}::text[], ${metrics}::text[]) as v(id, m)
      where c.id = v.id`.execute(trx);
  }
}

/** Any other Kysely SQLite (not opened by `openDatabase`): plain portable statements. */
async function writeGeneric(trx: Kysely<Database>, w: IngestWrite): Promise<void> {
  for (let i = 0; i < w.samples.length; i += 500) {
    await trx
      .insertInto('metric_samples')
      .values(
        w.samples.slice(i, i + 500).map((s) => ({
          computer_id: s.computerId,
          seq: s.seq,
          at: s.at,
          cpu_percent: s.cpuPercent,
          mem_used: s.memUsed,
          mem_total: s.memTotal,
          disk_used: s.diskUsed,
          disk_total: s.diskTotal,
          load1: s.load1,
          net_rx: s.netRx,
          net_tx: s.netTx,
        })),
      )
      .onConflict((oc) => oc.columns(['computer_id', 'seq']).doNothing())
      .execute();
  }
  await writeInventories(trx, w.inventories);
  for (const l of w.latest) {
    await trx
      .updateTable('computers')
      .set({ latest_metrics: l.metrics, last_seen_at: w.now, status: 'online', relay_id: w.relayId })
      .where('id', '=', l.computerId)
      .execute();
  }
}

async function writeInventories(
  trx: Kysely<Database>,
  inventories: readonly InventoryUpdate[],
): Promise<void> {
  for (const i of inventories) {
    await trx
      .insertInto('computer_inventories')
      .values({ computer_id: i.computerId, inventory: i.inventory, updated_at: i.at })
      .onConflict((oc) => oc.column('computer_id').doUpdateSet({ inventory: i.inventory, updated_at: i.at }))
      .execute();
    await trx
      .updateTable('computers')
      .set({
        logged_in_users: i.loggedInUsers,
        inventory_updated_at: i.at,
        hostname: i.hostname,
        os_name: i.osName,
        agent_version: i.agentVersion,
      })
      .where('id', '=', i.computerId)
      .execute();
  }
}
