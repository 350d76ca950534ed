/**
 * Ingest throughput: samples/s the real backend stores through
 * POST /api/v1/internal/ingest (validation, transaction, idempotent insert,
 * computer state update), on SQLite and on PostgreSQL (a fresh database
 * `labmgr_bench_<pid>` this run creates and drops), against baselines in the
 * same run: the same rows (the figures `metric_samples` keeps, its key and index)
 * inserted straight into a fresh SQLite file with one
 * prepared statement, and into a PostgreSQL table with one INSERT … UNNEST per batch.
 *
 *   npx tsx bench/ingest.ts [--computers 200] [--seconds 10] [--batch 500] [--concurrency 2]
 *     [--databases sqlite,postgres] [--pg-url postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Prints the figures and appends them to bench/results/ingest.json.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fixtures, type IngestBatch } from '@labmgr/protocol';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { BIN, ROOT, runCli, startSystem, tempDir } from '../test/harness.js';

const { values } = parseArgs({
  options: {
    computers: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '500' },
    /** Batches in flight at once (each built while the others are stored). */
    concurrency: { type: 'string', default: '2' },
    databases: { type: 'string', default: 'sqlite,postgres' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    /** SQLite only: LABMGR_SQLITE_SYNCHRONOUS values to compare, run after run, e.g. full,normal. */
    synchronous: { type: 'string', default: 'full' },
    /** Rounds: each measures every database (and synchronous value) once, in turn. */
    runs: { type: 'string', default: '1' },
  },
});
const computers = Number(values.computers);
const seconds = Number(values.seconds);
const batchSize = Number(values.batch);
const concurrency = Number(values.concurrency);

/** The baseline's table: the columns and keys of `metric_samples`, nothing else. */
const BASELINE_COLUMNS = [
  ['computer_id', 'text'],
  ['seq', 'integer'],
  ['at', 'integer'],
  ['cpu_percent', 'real'],
  ['mem_used', 'integer'],
  ['mem_total', 'integer'],
  ['disk_used', 'integer'],
  ['disk_total', 'integer'],
  ['load1', 'real'],
  ['net_rx', 'real'],
  ['net_tx', 'real'],
] as const;
const BASELINE_TABLE = `${BASELINE_COLUMNS.map(([name, type]) => `${name} ${type} not null`).join(', ')}, primary key (computer_id, seq)`;

/** The figures the route stores for sample `n`, computers taking turns as in the measured run. */
function baselineRow(n: number): (string | number)[] {
  return [`c${n % computers}`, n, Date.now(), 12.5, 4e9, 8e9, 1e11, 5e11, 0.5, 1e5, 2e4];
}

function sqliteBaseline(rows: number, synchronous = 'full'): number {
  const dir = tempDir('labmgr-bench-');
  const db = new SqliteDatabase(join(dir, 'b.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.exec(`create table s (${BASELINE_TABLE}); create index s_at on s (computer_id, at)`);
  const insert = db.prepare(`insert or ignore into s values (${BASELINE_COLUMNS.map(() => '?').join(', ')})`);
  const tx = db.transaction((from: number) => {
    for (let i = 0; i < batchSize; i++) insert.run(...baselineRow(from + i));
  });
  const t0 = performance.now();
  for (let n = 0; n < rows; n += batchSize) tx(n);
  const sec = (performance.now() - t0) / 1000;
  db.close();
  return rows / sec;
}

/** The same rows into PostgreSQL straight: one INSERT … SELECT FROM UNNEST … ON CONFLICT DO NOTHING per batch. */
async function pgBaseline(url: string, rows: number): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(
      `create table bench_s (${BASELINE_TABLE.replace(/integer/g, 'bigint').replace(/real/g, 'float8')})`,
    );
    await c.query('create index bench_s_at on bench_s (computer_id, at)');
    const t0 = performance.now();
    for (let n = 0; n < rows; n += batchSize) {
      const cols: unknown[][] = BASELINE_COLUMNS.map(() => []);
      for (let i = 0; i < batchSize; i++) for (const [k, x] of baselineRow(n + i).entries()) cols[k]?.push(x);
      const types = BASELINE_COLUMNS.map(
        ([, type], k) => `$${k + 1}::${type === 'text' ? 'text' : type === 'real' ? 'float8' : 'bigint'}[]`,
      );
      await c.query('begin');
      await c.query(
        `insert into bench_s select * from unnest(${types.join(', ')}) on conflict do nothing`,
        cols,
      );
      await c.query('commit');
    }
    return rows / ((performance.now() - t0) / 1000);
  } finally {
    await c.end();
  }
}

/** A fresh PostgreSQL database for one run; `drop` removes it. */
async function createPgDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `labmgr_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Enrolls `computers` computers in the real backend and posts batches for `seconds`; returns samples/s. */
async function measure(env: NodeJS.ProcessEnv): Promise<{ samples: number; rate: number }> {
  const sys = await startSystem({ env });
  try {
    const relay = await runCli(BIN.server, ['relay-token', 'create', '--name', 'bench'], {
      LABMGR_DATA_DIR: sys.dataDir,
      ...env,
    });
    const relayToken = relay.stdout.match(/token: (\S+)/)?.[1] ?? '';
    const ids: string[] = [];
    const { token } = await sys.api.json<{ token: string }>('POST', '/api/v1/enrollment-tokens', {
      uses: computers,
    });
    for (let i = 0; i < computers; i++) {
      const res = await fetch(`${sys.backendUrl}/api/v1/agents/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, hostname: `bench-${i}` }),
      });
      ids.push(((await res.json()) as { computerId: string }).computerId);
    }

    const seqs = new Map(ids.map((id) => [id, 0]));
    let cursor = 0;
    function nextBody(): string {
      const items: IngestBatch['items'] = [];
      for (let i = 0; i < batchSize; i++) {
        const id = ids[cursor++ % ids.length] ?? '';
        const seq = (seqs.get(id) ?? 0) + 1;
        seqs.set(id, seq);
        items.push({
          computerId: id,
          receivedAt: Date.now(),
          frame: { type: 'metrics', seq, dropped: 0, sample: fixtures.sample(Date.now(), (seq * 7) % 100) },
        });
      }
      return JSON.stringify({ relayId: 'bench', items });
    }
    let stored = 0;
    const deadline = Date.now() + seconds * 1000;
    const t0 = performance.now();
    // `concurrency` posters, like relays (or a relay's batches in flight): while
    // the backend stores one batch the next is built and sent, so the figure is
    // the backend's and not this client's.
    const poster = async () => {
      while (Date.now() < deadline) {
        const body = nextBody();
        const res = await fetch(`${sys.backendUrl}/api/v1/internal/ingest`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${relayToken}` },
          body,
        });
        if (!res.ok) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
        const acked = (await res.json()) as { acks: unknown[] };
        if (acked.acks.length === 0) throw new Error('ingest stored nothing');
        stored += batchSize;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, poster));
    const sec = (performance.now() - t0) / 1000;
    return { samples: stored, rate: stored / sec };
  } finally {
    await sys.stop();
  }
}

const wanted = (values.databases ?? '').split(',').map((s) => s.trim());
const synchronousModes = (values.synchronous ?? 'full').split(',').map((s) => s.trim());
const cases = [
  ...(wanted.includes('sqlite')
    ? synchronousModes.map((synchronous) => ({ database: 'sqlite' as const, synchronous }))
    : []),
  ...(wanted.includes('postgres') ? [{ database: 'postgres' as const, synchronous: undefined }] : []),
];
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const lines: string[] = [];
for (let round = 0; round < Number(values.runs); round++)
  for (const { database, synchronous } of cases) {
    let env: NodeJS.ProcessEnv = synchronous ? { LABMGR_SQLITE_SYNCHRONOUS: synchronous } : {};
    let pgDb: Awaited<ReturnType<typeof createPgDatabase>> | undefined;
    if (database === 'postgres') {
      pgDb = await createPgDatabase(values['pg-url'] ?? '');
      env = { DATABASE_URL: pgDb.url };
    }
    try {
      const loadBefore = loadavg()[0] ?? 0;
      const { samples, rate } = await measure(env);
      const base = pgDb ? await pgBaseline(pgDb.url, samples) : sqliteBaseline(samples, synchronous);
      const result = {
        bench: 'ingest',
        at: new Date().toISOString(),
        database,
        ...(synchronous ? { synchronous } : {}),
        load1: Number(loadBefore.toFixed(2)),
        computers,
        batchSize,
        concurrency,
        samples,
        samplesPerSec: Math.round(rate),
        baselineSamplesPerSec: Math.round(base),
        ratioToBaseline: Number((rate / base).toFixed(3)),
        target: 20_000,
        node: process.version,
      };
      const line =
        `ingest (${database}${synchronous ? ` synchronous=${synchronous}` : ''}, load ${loadBefore.toFixed(2)}, ${computers} computers, batches of ${batchSize}, ${concurrency} in flight): ${result.samplesPerSec} samples/s ` +
        `(target >= 20000); baseline raw ${database === 'sqlite' ? 'SQLite' : 'PostgreSQL'} insert: ` +
        `${result.baselineSamplesPerSec} samples/s; ratio ${result.ratioToBaseline}`;
      console.log(line);
      lines.push(line);
      appendFileSync(join(ROOT, 'bench/results/ingest.json'), `${JSON.stringify(result)}\n`);
    } finally {
      await pgDb?.drop();
    }
  }
if (lines.length > 1) console.log(`\n${lines.join('\n')}`);
