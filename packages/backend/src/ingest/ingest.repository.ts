import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { ComputerRow } from '../computers/computer.repository.js';
import type { DatabaseKind } from '../db/database.js';
import { onSqliteDestroy, SQLITE_CACHE_KIB, sqliteHandleOf } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { SqliteIngestWriter } from './sqlite-ingest-writer.js';

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
  /** The frame's `dropped`: samples the agent lost just before this one (not a column of the sample row). */
  dropped: number;
}

/** Losses newly recorded by a write, per computer: how many, and the latest reporting sample's time. */
export type RecordedLosses = Map<string, { lost: number; at: number }>;

/** Adds a stored frame's reported loss to `into`. */
function addLoss(into: RecordedLosses, s: Pick<SampleRow, 'computerId' | 'dropped' | 'at'>): void {
  if (s.dropped <= 0) return;
  const prev = into.get(s.computerId);
  into.set(s.computerId, { lost: (prev?.lost ?? 0) + s.dropped, at: Math.max(prev?.at ?? s.at, s.at) });
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

/** A computer's newest figures in a batch: stored unless the computer already has a newer sample's. */
export interface LatestUpdate {
  computerId: string;
  /** seq of the sample the figures come from. */
  seq: number;
  /** The figures as JSON (`LatestMetrics`). */
  metrics: string;
}

export interface IngestWrite {
  samples: SampleRow[];
  inventories: InventoryUpdate[];
  /** One per computer that sent metrics. */
  latest: LatestUpdate[];
  relayId: string;
  now: number;
}

/** What a write changed besides the samples. */
export interface IngestWritten {
  /** Losses newly recorded (see `write`). */
  losses: RecordedLosses;
  /** Computers whose latest figures this batch replaced (a batch stored after a newer one replaces none). */
  latest: Set<string>;
}

const SAMPLE_COLUMNS =
  'computer_id, seq, at, cpu_percent, mem_used, mem_total, disk_used, disk_total, load1, net_rx, net_tx';

/**
 * The ingest hot path's SQL: looks up the batch's computers and stores a batch
 * (idempotent sample insert keyed by (computer_id, seq), inventories, latest
 * figures and last-seen) in one transaction.
 *
 * SQLite: written by a worker thread with its own connection and statements
 * prepared once (SqliteIngestWriter: group commit, the event loop free
 * meanwhile); lookups run on the main connection. PostgreSQL: one INSERT …
 * SELECT FROM UNNEST(arrays) … ON CONFLICT DO NOTHING and one UPDATE … FROM
 * UNNEST per batch, so the statement text never changes with the batch size.
 * Every path compares seq before replacing a computer's latest figures: batches
 * may be stored in any order.
 */
export class IngestRepository {
  private readonly raw: SqliteDatabase.Database | undefined;
  private stmts: { find: SqliteDatabase.Statement; target: SqliteDatabase.Statement } | undefined;
  private writer: SqliteIngestWriter | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DatabaseKind,
  ) {
    this.raw = kind === 'sqlite' ? sqliteHandleOf(db) : undefined;
  }

  /** Prepared on first use: the tables exist only once migrations have run. */
  private sqlite(raw: SqliteDatabase.Database) {
    this.stmts ??= {
      find: raw.prepare('select * from computers where id = ?'),
      target: raw.prepare('select id, status from computers where id = ? and retired = 0'),
    };
    return this.stmts;
  }

  /** The SQLite writer thread, started with the main connection's settings on first use. */
  private sqliteWriter(raw: SqliteDatabase.Database): SqliteIngestWriter {
    if (this.writer) return this.writer;
    const writer = new SqliteIngestWriter({
      file: raw.name,
      synchronous: Number(raw.pragma('synchronous', { simple: true })),
      cacheKib: SQLITE_CACHE_KIB,
      walAutocheckpoint: Number(raw.pragma('wal_autocheckpoint', { simple: true })),
    });
    onSqliteDestroy(this.db, () => writer.stop());
    this.writer = writer;
    return writer;
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

  /**
   * Stores the batch in one transaction. Returns the losses it recorded: the
   * `dropped` of frames stored now for the first time (a frame already stored
   * reported its loss then), so the per-computer total never counts one twice.
   */
  async write(w: IngestWrite): Promise<IngestWritten> {
    if (w.samples.length === 0 && w.inventories.length === 0 && w.latest.length === 0)
      return { losses: new Map(), latest: new Set() };
    // SQLite: the writer thread (see SqliteIngestWriter).
    if (this.raw) return this.sqliteWriter(this.raw).write(w);
    if (this.kind !== 'postgres') {
      return this.db.transaction().execute(async (trx) => {
        const written = await writeGeneric(trx, w);
        await recordLosses(trx, written.losses);
        return written;
      });
    }
    // PostgreSQL stores batches at once (a relay may keep more than one in
    // flight): their sample inserts run side by side, while the computers rows
    // (latest figures, inventories, losses) are updated by one transaction at
    // a time, from its UPDATEs to its commit. Two batches updating the same
    // computers in different orders could otherwise deadlock.
    let release: (() => void) | undefined;
    try {
      return await this.db.transaction().execute(async (trx) => {
        const losses = await insertSamplesPostgres(trx, w.samples);
        release = await this.computersTurn();
        const latest = await updateComputersPostgres(trx, w);
        await recordLosses(trx, losses);
        return { losses, latest };
      });
    } finally {
      release?.();
    }
  }

  private turns: Promise<void> = Promise.resolve();

  /** Waits for the previous holder to release the computers-row phase; resolves with this holder's release. */
  private computersTurn(): Promise<() => void> {
    let release: () => void = () => {};
    const done = new Promise<void>((r) => {
      release = r;
    });
    const previous = this.turns;
    this.turns = previous.then(() => done);
    return previous.then(() => release);
  }
}

/** The losses of the rows an INSERT … RETURNING reports as new. */
function lossesOf(
  samples: readonly SampleRow[],
  inserted: readonly { computer_id: string; seq: number | string }[],
) {
  const losses: RecordedLosses = new Map();
  const reporting = new Map<string, SampleRow>();
  for (const s of samples) if (s.dropped > 0) reporting.set(`${s.computerId} ${s.seq}`, s);
  if (reporting.size === 0) return losses;
  for (const r of inserted) {
    const s = reporting.get(`${r.computer_id} ${Number(r.seq)}`);
    if (s) addLoss(losses, s);
  }
  return losses;
}

async function recordLosses(trx: Kysely<Database>, losses: RecordedLosses): Promise<void> {
  for (const [id, l] of losses) {
    await trx
      .updateTable('computers')
      .set((eb) => ({
        samples_lost: eb('samples_lost', '+', l.lost),
        last_loss_at: sql<number>`case when last_loss_at is null or last_loss_at < cast(${l.at} as bigint)
          then cast(${l.at} as bigint) else last_loss_at end`,
      }))
      .where('id', '=', id)
      .execute();
  }
}

/**
 * The samples, one INSERT … UNNEST; the losses their frames newly report.
 * RETURNING (which rows were new) only when a frame reports a loss.
 */
async function insertSamplesPostgres(
  trx: Kysely<Database>,
  samples: readonly SampleRow[],
): Promise<RecordedLosses> {
  if (samples.length === 0) return new Map();
  const n = samples.length;
  const id: string[] = new Array(n);
  const seq: number[] = new Array(n);
  const at: number[] = new Array(n);
  const cpu: number[] = new Array(n);
  const mu: number[] = new Array(n);
  const mt: number[] = new Array(n);
  const du: number[] = new Array(n);
  const dt: number[] = new Array(n);
  const l1: number[] = new Array(n);
  const rx: number[] = new Array(n);
  const tx: number[] = new Array(n);
  let lossy = false;
  for (let i = 0; i < n; i++) {
    const s = samples[i] as SampleRow;
    id[i] = s.computerId;
    seq[i] = s.seq;
    at[i] = s.at;
    cpu[i] = s.cpuPercent;
    mu[i] = s.memUsed;
    mt[i] = s.memTotal;
    du[i] = s.diskUsed;
    dt[i] = s.diskTotal;
    l1[i] = s.load1;
    rx[i] = s.netRx;
    tx[i] = s.netTx;
    if (s.dropped > 0) lossy = true;
  }
  const inserted = await sql<{
    computer_id: string;
    seq: number;
  }>`insert into metric_samples (${sql.raw(SAMPLE_COLUMNS)})
      select * from unnest(${id}::text[], ${seq}::bigint[], ${at}::bigint[], ${cpu}::float8[],
        ${mu}::bigint[], ${mt}::bigint[], ${du}::bigint[], ${dt}::bigint[], ${l1}::float8[],
        ${rx}::float8[], ${tx}::float8[])
      on conflict (computer_id, seq) do nothing
      ${lossy ? sql`returning computer_id, seq` : sql``}`.execute(trx);
  return lossy ? lossesOf(samples, inserted.rows) : new Map();
}

/** Inventories and latest figures; returns the computers whose latest figures were replaced. */
async function updateComputersPostgres(trx: Kysely<Database>, w: IngestWrite): Promise<Set<string>> {
  await writeInventories(trx, w.inventories);
  const replaced = new Set<string>();
  if (w.latest.length > 0) {
    const ids = w.latest.map((l) => l.computerId);
    const metrics = w.latest.map((l) => l.metrics);
    const seqs = w.latest.map((l) => l.seq);
    const { rows } = await sql<{ id: string }>`update computers as c
      set latest_metrics = v.m, latest_seq = v.s, last_seen_at = ${w.now}, status = 'online',
        relay_id = ${w.relayId}
      from unnest(${ids}::text[], ${metrics}::text[], ${seqs}::bigint[]) as v(id, m, s)
      where c.id = v.id and (c.latest_seq is null or c.latest_seq < v.s)
      returning c.id`.execute(trx);
    for (const r of rows) replaced.add(r.id);
  }
  return replaced;
}

/** Any other Kysely SQLite (not opened by `openDatabase`): plain portable statements. */
async function writeGeneric(trx: Kysely<Database>, w: IngestWrite): Promise<IngestWritten> {
  const inserted: { computer_id: string; seq: number }[] = [];
  for (let i = 0; i < w.samples.length; i += 500) {
    const rows = await trx
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
      .returning(['computer_id', 'seq'])
      .execute();
    inserted.push(...rows);
  }
  await writeInventories(trx, w.inventories);
  const replaced = new Set<string>();
  for (const l of w.latest) {
    const r = await trx
      .updateTable('computers')
      .set({
        latest_metrics: l.metrics,
        latest_seq: l.seq,
        last_seen_at: w.now,
        status: 'online',
        relay_id: w.relayId,
      })
      .where('id', '=', l.computerId)
      .where((eb) => eb.or([eb('latest_seq', 'is', null), eb('latest_seq', '<', l.seq)]))
      .executeTakeFirst();
    if (r.numUpdatedRows > 0n) replaced.add(l.computerId);
  }
  return { losses: lossesOf(w.samples, inserted), latest: replaced };
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
