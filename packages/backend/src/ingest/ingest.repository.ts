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
 * (idempotent sample insert keyed by (computer_id, at, seq), inventories, latest
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
    return new Promise<IngestWritten>((resolve, reject) => {
      this.pgQueue.push({ write: w, resolve, reject });
      void this.drainPostgres();
    });
  }

  /** PostgreSQL: batches waiting for the writer (see drainPostgres). */
  private readonly pgQueue: {
    write: IngestWrite;
    resolve: (v: IngestWritten) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private pgWriting = false;

  /**
   * PostgreSQL: one ingest transaction at a time, and every batch that arrived
   * meanwhile goes into the next one (group commit, as the SQLite writer
   * thread does): one commit for all, one UPDATE of the computers rows with
   * each computer's newest figures. Batches stored side by side contended for
   * the same rows (a relay's batches in flight hold the same computers: key
   * share locks of the foreign key checks turned into multixacts) and could
   * deadlock on them; the event loop parses the next batches meanwhile, which
   * is where the time goes. Should a group fail, each of its batches is
   * written again alone, so a batch is stored whole or not at all.
   */
  private async drainPostgres(): Promise<void> {
    if (this.pgWriting) return;
    this.pgWriting = true;
    try {
      while (this.pgQueue.length > 0) {
        let n = 0;
        let samples = 0;
        while (n < this.pgQueue.length && n < GROUP_BATCHES && (n === 0 || samples < GROUP_SAMPLES))
          samples += this.pgQueue[n++]?.write.samples.length ?? 0;
        const group = this.pgQueue.splice(0, n);
        try {
          const results = await writeGroupPostgres(
            this.db,
            group.map((g) => g.write),
          );
          for (const [k, g] of group.entries()) g.resolve(results[k] as IngestWritten);
        } catch (err) {
          if (group.length === 1) group[0]?.reject(err);
          else
            for (const g of group) {
              try {
                const [alone] = await writeGroupPostgres(this.db, [g.write]);
                g.resolve(alone as IngestWritten);
              } catch (e) {
                g.reject(e);
              }
            }
        }
      }
    } finally {
      this.pgWriting = false;
    }
  }
}

/** At most this many batches, or their samples, go into one PostgreSQL transaction. */
const GROUP_BATCHES = 4;
const GROUP_SAMPLES = 2000;

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

/** The group's samples as one array per column, for INSERT … SELECT FROM UNNEST. */
function sampleColumns(samples: readonly SampleRow[]) {
  const n = samples.length;
  const c = {
    id: new Array<string>(n),
    seq: new Array<number>(n),
    at: new Array<number>(n),
    cpu: new Array<number>(n),
    mu: new Array<number>(n),
    mt: new Array<number>(n),
    du: new Array<number>(n),
    dt: new Array<number>(n),
    l1: new Array<number>(n),
    rx: new Array<number>(n),
    tx: new Array<number>(n),
  };
  for (let i = 0; i < n; i++) {
    const s = samples[i] as SampleRow;
    c.id[i] = s.computerId;
    c.seq[i] = s.seq;
    c.at[i] = s.at;
    c.cpu[i] = s.cpuPercent;
    c.mu[i] = s.memUsed;
    c.mt[i] = s.memTotal;
    c.du[i] = s.diskUsed;
    c.dt[i] = s.diskTotal;
    c.l1[i] = s.load1;
    c.rx[i] = s.netRx;
    c.tx[i] = s.netTx;
  }
  return sql`select * from unnest(${c.id}::text[], ${c.seq}::bigint[], ${c.at}::bigint[], ${c.cpu}::float8[],
    ${c.mu}::bigint[], ${c.mt}::bigint[], ${c.du}::bigint[], ${c.dt}::bigint[], ${c.l1}::float8[],
    ${c.rx}::float8[], ${c.tx}::float8[])`;
}

/** Each computer's newest figures in the group, and the batch (index) they came from. */
function newestFigures(writes: readonly IngestWrite[]) {
  const newest = new Map<string, { l: LatestUpdate; k: number; relayId: string; now: number }>();
  writes.forEach((w, k) => {
    for (const l of w.latest) {
      const prev = newest.get(l.computerId);
      if (!prev || l.seq > prev.l.seq) newest.set(l.computerId, { l, k, relayId: w.relayId, now: w.now });
    }
  });
  return newest;
}

/** UPDATE … FROM UNNEST of the computers' newest figures, unless a computer has a newer sample's. */
function updateFigures(entries: readonly { l: LatestUpdate; relayId: string; now: number }[]) {
  return sql`update computers as c
      set latest_metrics = v.m, latest_seq = v.s, last_seen_at = v.now, status = 'online', relay_id = v.relay
      from unnest(${entries.map((e) => e.l.computerId)}::text[], ${entries.map((e) => e.l.metrics)}::text[],
        ${entries.map((e) => e.l.seq)}::bigint[], ${entries.map((e) => e.now)}::bigint[],
        ${entries.map((e) => e.relayId)}::text[]) as v(id, m, s, now, relay)
      where c.id = v.id and (c.latest_seq is null or c.latest_seq < v.s)
      returning c.id`;
}

/**
 * Stores a group of batches. The usual group (samples and figures only) is one
 * statement: its INSERT and UPDATE as parts of one WITH, atomic by itself, so
 * one round trip to the server. Each round trip's answer waits for the event
 * loop, which spends milliseconds parsing the next batch: the four of a
 * BEGIN … COMMIT cost more than the writing. A group with an inventory or a
 * frame reporting a loss goes through a transaction (see writeGroupInTransaction).
 */
async function writeGroupPostgres(
  db: Kysely<Database>,
  writes: readonly IngestWrite[],
): Promise<IngestWritten[]> {
  const plain = writes.every((w) => w.inventories.length === 0 && w.samples.every((s) => s.dropped <= 0));
  if (!plain) return db.transaction().execute((trx) => writeGroupInTransaction(trx, writes));
  const samples = writes.length === 1 ? (writes[0]?.samples ?? []) : writes.flatMap((w) => w.samples);
  const results: IngestWritten[] = writes.map(() => ({ losses: new Map(), latest: new Set() }));
  const newest = newestFigures(writes);
  const entries = [...newest.values()];
  const insert = sql`insert into metric_samples (${sql.raw(SAMPLE_COLUMNS)})
    ${sampleColumns(samples)} on conflict (computer_id, at, seq) do nothing`;
  if (entries.length === 0) {
    // Samples with no figures to move (only callers other than the ingest service write those).
    if (samples.length > 0) await insert.execute(db);
    return results;
  }
  // With no samples the INSERT unnests empty arrays: nothing.
  const { rows } = await sql<{ id: string }>`with ins as (${insert}), upd as (${updateFigures(entries)})
    select id from upd`.execute(db);
  const replaced = rows.map((r) => r.id);
  for (const id of replaced) {
    const e = newest.get(id);
    if (e) (results[e.k] as IngestWritten).latest.add(id);
  }
  return results;
}

/**
 * A group of batches in one transaction: their samples in one INSERT …
 * UNNEST, their inventories, each computer's newest figures in one UPDATE …
 * FROM UNNEST (unless it already has a newer sample's), the losses. Returns
 * what each batch changed: the losses its frames newly reported (RETURNING,
 * which rows were new, only when a frame reports one) and the computers whose
 * figures came from it.
 */
async function writeGroupInTransaction(
  trx: Kysely<Database>,
  writes: readonly IngestWrite[],
): Promise<IngestWritten[]> {
  const samples = writes.length === 1 ? (writes[0]?.samples ?? []) : writes.flatMap((w) => w.samples);
  const results: IngestWritten[] = writes.map(() => ({ losses: new Map(), latest: new Set() }));
  if (samples.length > 0) {
    const lossy = samples.some((s) => s.dropped > 0);
    const inserted = await sql<{
      computer_id: string;
      seq: number;
    }>`insert into metric_samples (${sql.raw(SAMPLE_COLUMNS)}) ${sampleColumns(samples)}
      on conflict (computer_id, at, seq) do nothing
      ${lossy ? sql`returning computer_id, seq` : sql``}`.execute(trx);
    if (lossy) {
      // A frame new to the table reported its loss in the first batch of the group that holds it.
      const fresh = new Set(inserted.rows.map((r) => `${r.computer_id} ${Number(r.seq)}`));
      writes.forEach((w, k) => {
        const losses = (results[k] as IngestWritten).losses;
        for (const s of w.samples) {
          const key = `${s.computerId} ${s.seq}`;
          if (s.dropped > 0 && fresh.delete(key)) addLoss(losses, s);
        }
      });
    }
  }
  for (const w of writes) await writeInventories(trx, w.inventories);
  const newest = newestFigures(writes);
  if (newest.size > 0) {
    const { rows } = await updateFigures([...newest.values()]).execute(trx);
    for (const r of rows as { id: string }[]) {
      const e = newest.get(r.id);
      if (e) (results[e.k] as IngestWritten).latest.add(r.id);
    }
  }
  const losses: RecordedLosses = new Map();
  for (const r of results)
    for (const [computerId, l] of r.losses) addLoss(losses, { computerId, dropped: l.lost, at: l.at });
  await recordLosses(trx, losses);
  return results;
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
      .onConflict((oc) => oc.columns(['computer_id', 'at', 'seq']).doNothing())
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
