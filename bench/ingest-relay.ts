/**
 * bench/ingest.ts's load: simulated relays, each posting ingest batches the
 * way labmgr-relay does (frames spliced in as the agents sent them, keep-alive
 * HTTP, exactly one batch in flight: the next is sent when the previous one is
 * answered, and built while it is in flight, as a relay's queue fills
 * meanwhile), and the raw-insert baseline writing the same rows straight into
 * the same database.
 */
import { Agent, request } from 'node:http';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { FALLBACK_AUTOCHECKPOINT_PAGES } from '../packages/backend/src/db/checkpointer.js';
import { SQLITE_CACHE_KIB } from '../packages/backend/src/db/database.js';
import { type AgentFixtures, fixtureIndex, frameText } from './ingest-fixtures.js';

/** Next seq per computer, shared by the measured run and the baseline that follows it. */
export class Fleet {
  readonly next: number[];
  constructor(
    readonly ids: readonly string[],
    firstSeq: number,
  ) {
    this.next = ids.map(() => firstSeq);
  }
}

export interface RelayStats {
  /** Samples acked in batches sent at or after the window opened. */
  samples: number;
  batches: number;
  /** Round trips of those batches, ms. */
  latencies: number[];
  /** performance.now() of the last counted answer. */
  lastDone: number;
  bodyBytes: number;
}

/**
 * Sends one batch. `sent` settles once the body is handed to the socket: with
 * a keep-alive agent the socket is attached on a later tick, so work done
 * synchronously right after `request()` (building the next batch) would hold
 * the send back and count as the backend's time.
 */
function post(
  url: URL,
  agent: Agent,
  token: string,
  body: Buffer,
): { sent: Promise<void>; answer: Promise<{ status: number; text: string }> } {
  let sent!: Promise<void>;
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    sent = new Promise<void>((done) => {
      req.once('finish', done);
      req.once('error', () => done());
    });
    req.end(body);
  });
  return { sent, answer };
}

/**
 * One relay holding `members` (indexes into the fleet): posts batches of
 * `batchSize` samples, its computers taking turns, `inFlight` at a time, until
 * `until`; counts those sent at or after `windowStart`. Every answer is checked: each computer of
 * the batch acked with its highest seq.
 */
export async function runRelay(opts: {
  backendUrl: string;
  token: string;
  relayId: string;
  fleet: Fleet;
  members: readonly number[];
  batchSize: number;
  fx: AgentFixtures;
  windowStart: number;
  until: number;
  /** Batches in flight at once: labmgr-relay keeps two (INGEST_IN_FLIGHT), one before issue 13. */
  inFlight: number;
}): Promise<RelayStats> {
  const { fleet, members, batchSize, fx } = opts;
  const url = new URL('/api/v1/internal/ingest', opts.backendUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.inFlight });
  const stats: RelayStats = { samples: 0, batches: 0, latencies: [], lastDone: 0, bodyBytes: 0 };
  let cursor = 0;
  const build = () => {
    const parts: string[] = new Array(batchSize);
    const expected = new Map<string, number>();
    const now = Date.now();
    for (let j = 0; j < batchSize; j++) {
      const i = members[cursor++ % members.length] as number;
      const id = fleet.ids[i] as string;
      const seq = fleet.next[i] as number;
      fleet.next[i] = seq + 1;
      expected.set(id, seq);
      // As labmgr-relay's encodeIngestBatch: the frame text as the agent sent it.
      parts[j] =
        `{"computerId":"${id}","receivedAt":${now},"frame":${frameText(fx, fixtureIndex(fx, i, seq), seq, now - 40)}}`;
    }
    const body = Buffer.from(`{"relayId":${JSON.stringify(opts.relayId)},"items":[${parts.join(',')}]}`);
    return { body, expected };
  };
  // `inFlight` senders share the relay's queue (cursor and seqs): each sends its next batch when its last is answered.
  const sender = async () => {
    let batch = build();
    while (performance.now() < opts.until) {
      const sentAt = performance.now();
      const { sent, answer } = post(url, agent, opts.token, batch.body);
      // The relay's queue fills while the batch is in flight: the next one is ready when it is answered.
      await sent;
      const following = build();
      const res = await answer;
      const doneAt = performance.now();
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${res.text.slice(0, 500)}`);
      const { acks } = JSON.parse(res.text) as { acks: { computerId: string; seq: number }[] };
      if (acks.length !== batch.expected.size)
        throw new Error(`${acks.length} acks for ${batch.expected.size} computers`);
      for (const a of acks)
        if (batch.expected.get(a.computerId) !== a.seq)
          throw new Error(`ack ${a.computerId} ${a.seq}, expected ${batch.expected.get(a.computerId)}`);
      if (sentAt >= opts.windowStart) {
        stats.samples += batchSize;
        stats.batches++;
        stats.latencies.push(doneAt - sentAt);
        stats.lastDone = doneAt;
        stats.bodyBytes += batch.body.length;
      }
      batch = following;
    }
    // The last batch built is never sent: its seqs stay a gap (the backend keys on seq, it needs no run of them).
  };
  try {
    await Promise.all(Array.from({ length: opts.inFlight }, sender));
    return stats;
  } finally {
    agent.destroy();
  }
}

const COLUMNS =
  'computer_id, seq, at, cpu_percent, mem_used, mem_total, disk_used, disk_total, load1, net_rx, net_tx';

/** The baseline's rows for one batch: the figures of the frame each computer would send next. */
function baselineRows(
  fleet: Fleet,
  members: readonly number[],
  cursor: { n: number },
  size: number,
  fx: AgentFixtures,
) {
  const rows: (string | number)[][] = new Array(size);
  const now = Date.now();
  for (let j = 0; j < size; j++) {
    const i = members[cursor.n++ % members.length] as number;
    const seq = fleet.next[i] as number;
    fleet.next[i] = seq + 1;
    const f = fx.figures[fixtureIndex(fx, i, seq)];
    if (!f) throw new Error('no figures');
    rows[j] = [
      fleet.ids[i] as string,
      seq,
      now - 40,
      f.cpu,
      f.memUsed,
      f.memTotal,
      f.diskUsed,
      f.diskTotal,
      f.load1,
      f.netRx,
      f.netTx,
    ];
  }
  return rows;
}

/**
 * SQLite baseline: `rows` rows into the run's own `metric_samples` (beside the
 * backend, which stays up and idle) with one prepared INSERT, `batchSize` rows
 * a transaction, the backend's pragmas (WAL, `synchronous`, foreign keys, page
 * cache, checkpoints left to the backend's checkpointer thread).
 * One writer whatever the relay count: SQLite takes one at a time.
 */
export function sqliteBaseline(opts: {
  file: string;
  synchronous: string;
  fleet: Fleet;
  members: readonly number[];
  rows: number;
  batchSize: number;
  fx: AgentFixtures;
}): number {
  const db = new SqliteDatabase(opts.file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma(`cache_size = ${-SQLITE_CACHE_KIB}`);
    // The backend's checkpointer thread keeps checkpointing the WAL; this connection leaves it to it, as the backend's does.
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    const insert = db.prepare(
      `insert into metric_samples (${COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (computer_id, at, seq) do nothing`,
    );
    const tx = db.transaction((rows: (string | number)[][]) => {
      for (const r of rows) insert.run(r);
    });
    const cursor = { n: 0 };
    const t0 = performance.now();
    for (let n = 0; n < opts.rows; n += opts.batchSize)
      tx(baselineRows(opts.fleet, opts.members, cursor, opts.batchSize, opts.fx));
    return opts.rows / ((performance.now() - t0) / 1000);
  } finally {
    db.close();
  }
}

/**
 * PostgreSQL baseline: the backend's own statement (INSERT … SELECT FROM
 * UNNEST … ON CONFLICT DO NOTHING), one transaction per batch, one connection
 * per relay each with one transaction in flight.
 */
export async function pgBaseline(opts: {
  url: string;
  fleet: Fleet;
  groups: readonly (readonly number[])[];
  rows: number;
  batchSize: number;
  fx: AgentFixtures;
}): Promise<number> {
  const perWriter = Math.ceil(opts.rows / opts.groups.length / opts.batchSize) * opts.batchSize;
  const t0 = performance.now();
  await Promise.all(
    opts.groups.map(async (members) => {
      const c = new pg.Client({ connectionString: opts.url });
      await c.connect();
      try {
        const cursor = { n: 0 };
        for (let n = 0; n < perWriter; n += opts.batchSize) {
          const rows = baselineRows(opts.fleet, members, cursor, opts.batchSize, opts.fx);
          const cols = Array.from({ length: 11 }, (_, k) => rows.map((r) => r[k]));
          await c.query('begin');
          await c.query(
            `insert into metric_samples (${COLUMNS})
             select * from unnest($1::text[], $2::bigint[], $3::bigint[], $4::float8[], $5::bigint[], $6::bigint[],
               $7::bigint[], $8::bigint[], $9::float8[], $10::float8[], $11::float8[])
             on conflict (computer_id, at, seq) do nothing`,
            cols,
          );
          await c.query('commit');
        }
      } finally {
        await c.end();
      }
    }),
  );
  return (perWriter * opts.groups.length) / ((performance.now() - t0) / 1000);
}
