import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { IngestWrite, IngestWritten, RecordedLosses } from './ingest.repository.js';

export interface SqliteIngestWriterOptions {
  /** The SQLite file the backend's connection has open (WAL mode, migrated). */
  file: string;
  /** The main connection's settings, mirrored on the writer's connection. */
  synchronous: number;
  cacheKib: number;
  walAutocheckpoint: number;
  /** How long a write waits for the main connection's write lock. @default 60000 */
  busyTimeoutMs?: number;
}

/** At most this many batches, or their samples, go into one transaction (bounds how long it holds the write lock). */
const GROUP_BATCHES = 4;
const GROUP_SAMPLES = 2000;

/**
 * The writer's code. It runs in a worker thread from source text (`eval`), so
 * it needs no separate build output and works the same under the test runner,
 * which loads the backend's TypeScript directly (as the WAL checkpointer does).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('cache_size = ' + -workerData.cacheKib);
db.pragma('wal_autocheckpoint = ' + workerData.walAutocheckpoint);
// Statement journals in memory, not in temporary files.
db.pragma('temp_store = MEMORY');
const insert = db.prepare(workerData.sql.insert);
const latest = db.prepare(workerData.sql.latest);
const loss = db.prepare(workerData.sql.loss);
const inventoryRow = db.prepare(workerData.sql.inventoryRow);
const inventory = db.prepare(workerData.sql.inventory);

// One batch: returns the losses it newly recorded and the computers whose latest figures it replaced.
function writeOne(w) {
  const losses = new Map();
  for (const s of w.samples) {
    const r = insert.run(s.computerId, s.seq, s.at, s.cpuPercent, s.memUsed, s.memTotal, s.diskUsed,
      s.diskTotal, s.load1, s.netRx, s.netTx);
    // A frame stored before (re-sent, replayed) reported its loss then.
    if (r.changes > 0 && s.dropped > 0) {
      const prev = losses.get(s.computerId);
      losses.set(s.computerId, { lost: (prev ? prev.lost : 0) + s.dropped, at: Math.max(prev ? prev.at : s.at, s.at) });
    }
  }
  for (const [id, l] of losses) loss.run(l.lost, l.at, l.at, id);
  for (const i of w.inventories) {
    inventoryRow.run(i.computerId, i.inventory, i.at);
    inventory.run(i.loggedInUsers, i.at, i.hostname, i.osName, i.agentVersion, i.computerId);
  }
  const replaced = [];
  for (const l of w.latest)
    if (latest.run(l.metrics, l.seq, w.now, w.relayId, l.computerId, l.seq).changes > 0) replaced.push(l.computerId);
  return { losses: [...losses], latest: replaced };
}

const message = (err) => String((err && err.message) || (err && err.code) || err);
const queue = [];
let scheduled = false;
let stopping = false;

// Every batch queued while the last transaction ran goes into the next one (group commit). No
// savepoint per batch (each would copy every page it changes to a sub-journal): should one batch
// fail, the group is rolled back and each batch written again in a transaction of its own.
// Answers go out after the commit.
function transaction(group) {
  db.exec('begin immediate');
  try {
    const values = group.map((m) => writeOne(m.write));
    db.exec('commit');
    return values;
  } catch (err) {
    if (db.inTransaction) db.exec('rollback');
    throw err;
  }
}

function run() {
  scheduled = false;
  let n = 0;
  let samples = 0;
  while (n < queue.length && n < workerData.groupBatches && (n === 0 || samples < workerData.groupSamples))
    samples += queue[n++].write.samples.length;
  const group = queue.splice(0, n);
  let results;
  try {
    results = transaction(group).map((value, k) => ({ id: group[k].id, value }));
  } catch (err) {
    results = group.map((m) => {
      if (group.length === 1) return { id: m.id, error: message(err) };
      try {
        return { id: m.id, value: transaction([m])[0] };
      } catch (err) {
        return { id: m.id, error: message(err) };
      }
    });
  }
  parentPort.postMessage(results);
  next();
}

function next() {
  if (queue.length > 0) {
    if (!scheduled) {
      scheduled = true;
      setImmediate(run);
    }
  } else if (stopping) {
    db.close();
    parentPort.close();
  }
}

parentPort.on('message', (m) => {
  if (m === 'stop') {
    stopping = true;
    if (!scheduled) next();
    return;
  }
  queue.push(m);
  next();
});
`;

interface Pending {
  resolve: (value: IngestWritten) => void;
  reject: (err: Error) => void;
}

type WorkerResult =
  | { id: number; value: { losses: [string, { lost: number; at: number }][]; latest: string[] } }
  | { id: number; error: string };

/**
 * Stores ingest batches on SQLite from a worker thread with its own write
 * connection, so the event loop goes on parsing and validating the next batch
 * (and serving the API) while one is written and synced. Batches that arrive
 * while a transaction runs are written together in the next one (group
 * commit: one sync for all, and a computer's index pages written once for
 * the samples of every batch that has some); should one of them fail, each is
 * written again alone, so a batch is stored whole or not at all. A write
 * resolves only after its transaction committed: what the backend acks is
 * durable as the connection's `synchronous` setting says.
 *
 * The main connection's transactions take the write lock as they begin
 * (`BEGIN IMMEDIATE`, see database.ts), so a commit by this thread never
 * invalidates one of theirs half-way; either side waits for the other's lock
 * (busy timeout).
 */
export class SqliteIngestWriter {
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #stopped: Promise<void> | undefined;

  constructor(private readonly options: SqliteIngestWriterOptions) {}

  /** Stores one batch; resolves once it is committed. */
  write(w: IngestWrite): Promise<IngestWritten> {
    if (this.#stopped) return Promise.reject(new Error('the SQLite ingest writer is stopped'));
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise<IngestWritten>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, write: w });
    });
  }

  /** Lets queued batches finish, then ends the thread and its connection. */
  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      const worker = this.#worker;
      if (!worker) return resolve();
      const timer = setTimeout(() => void worker.terminate(), 30_000);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage('stop');
    });
    return this.#stopped;
  }

  /** The worker, started on first use (after migrations) and again if it died. */
  #start(): Worker {
    if (this.#worker) return this.#worker;
    const { options } = this;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file: options.file,
        driverPath: createRequire(import.meta.url).resolve('better-sqlite3'),
        synchronous: options.synchronous,
        cacheKib: options.cacheKib,
        walAutocheckpoint: options.walAutocheckpoint,
        busyTimeoutMs: options.busyTimeoutMs ?? 60_000,
        groupBatches: GROUP_BATCHES,
        groupSamples: GROUP_SAMPLES,
        sql: SQL,
      },
    });
    worker.on('message', (results: WorkerResult[]) => {
      for (const r of results) {
        const p = this.#pending.get(r.id);
        if (!p) continue;
        this.#pending.delete(r.id);
        if ('error' in r) p.reject(new Error(`ingest write failed: ${r.error}`));
        else
          p.resolve({ losses: new Map(r.value.losses) as RecordedLosses, latest: new Set(r.value.latest) });
      }
    });
    const fail = (why: string) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const p of this.#pending.values()) p.reject(new Error(`ingest write failed: ${why}`));
      this.#pending.clear();
    };
    worker.on('error', (err) => fail(err instanceof Error ? err.message : String(err)));
    worker.on('exit', (code) => fail(`the writer thread exited (${code})`));
    // Never what keeps the process alive: the server stops it (db.destroy) before exiting.
    worker.unref();
    this.#worker = worker;
    return worker;
  }
}

const SAMPLE_COLUMNS =
  'computer_id, seq, at, cpu_percent, mem_used, mem_total, disk_used, disk_total, load1, net_rx, net_tx';

/** The writer's statements (the same as the PostgreSQL and portable paths', in SQLite's words). */
const SQL = {
  insert: `insert into metric_samples (${SAMPLE_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    on conflict (computer_id, at, seq) do nothing`,
  /** Latest figures, last seen, status and relay, unless the computer has a newer sample's (metrics, seq, now, relay, id, seq). */
  latest: `update computers set latest_metrics = ?, latest_seq = ?, last_seen_at = ?, status = 'online', relay_id = ?
    where id = ? and (latest_seq is null or latest_seq < ?)`,
  /** Adds the losses, keeping the latest loss time (lost, at, at, id). */
  loss: `update computers set samples_lost = samples_lost + ?,
    last_loss_at = case when last_loss_at is null or last_loss_at < ? then ? else last_loss_at end where id = ?`,
  inventoryRow: `insert into computer_inventories (computer_id, inventory, updated_at) values (?, ?, ?)
    on conflict (computer_id) do update set inventory = excluded.inventory, updated_at = excluded.updated_at`,
  inventory:
    'update computers set logged_in_users = ?, inventory_updated_at = ?, hostname = ?, os_name = ?, agent_version = ? where id = ?',
};
