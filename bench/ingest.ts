/**
 * Ingest throughput: samples/s the real backend stores through
 * POST /api/v1/internal/ingest (validation, transaction, idempotent insert,
 * computer state update), on SQLite and on PostgreSQL (a fresh database
 * `labmgr_bench_<pid>` this run creates and drops), against baselines in the
 * same run: the same rows inserted straight into a fresh SQLite file with one
 * prepared statement, and into a PostgreSQL table with one INSERT … UNNEST per batch.
 *
 *   npx tsx bench/ingest.ts [--computers 200] [--seconds 10] [--batch 500]
 *     [--databases sqlite,postgres] [--pg-url postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Prints the figures and appends them to bench/results/ingest.json.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
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
    databases: { type: 'string', default: 'sqlite,postgres' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const computers = Number(values.computers);
const seconds = Number(values.seconds);
const batchSize = Number(values.batch);

function sqliteBaseline(rows: number): number {
  const dir = tempDir('labmgr-bench-');
  const db = new SqliteDatabase(join(dir, 'b.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    `create table s (computer_id text, seq integer, at integer, cpu real, mem integer, sample text, primary key (computer_id, seq))`,
  );
  const insert = db.prepare('insert or ignore into s values (?, ?, ?, ?, ?, ?)');
  const sample = JSON.stringify(fixtures.sample());
  const tx = db.transaction((from: number) => {
    for (let i = 0; i < batchSize; i++)
      insert.run(`c${i % computers}`, from + i, Date.now(), 12.5, 1e9, sample);
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
      'create table bench_s (computer_id text, seq bigint, at bigint, cpu float8, mem bigint, sample text, primary key (computer_id, seq))',
    );
    const sample = JSON.stringify(fixtures.sample());
    const t0 = performance.now();
    for (let n = 0; n < rows; n += batchSize) {
      const cols: unknown[][] = [[], [], [], [], [], []];
      for (let i = 0; i < batchSize; i++) {
        const v = [`c${i % computers}`, n + i, Date.now(), 12.5, 1e9, sample];
        for (const [k, x] of v.entries()) cols[k]?.push(x);
      }
      await c.query('begin');
      await c.query(
        'insert into bench_s select * from unnest($1::text[], $2::bigint[], $3::bigint[], $4::float8[], $5::bigint[], $6::text[]) on conflict do nothing',
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
    let stored = 0;
    const deadline = Date.now() + seconds * 1000;
    const t0 = performance.now();
    let cursor = 0;
    while (Date.now() < deadline) {
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
      const res = await fetch(`${sys.backendUrl}/api/v1/internal/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${relayToken}` },
        body: JSON.stringify({ relayId: 'bench', items }),
      });
      if (!res.ok) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
      const acked = (await res.json()) as { acks: unknown[] };
      if (acked.acks.length === 0) throw new Error('ingest stored nothing');
      stored += items.length;
    }
    const sec = (performance.now() - t0) / 1000;
    return { samples: stored, rate: stored / sec };
  } finally {
    await sys.stop();
  }
}

const wanted = (values.databases ?? '').split(',').map((s) => s.trim());
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const lines: string[] = [];
for (const database of ['sqlite', 'postgres'] as const) {
  if (!wanted.includes(database)) continue;
  let env: NodeJS.ProcessEnv = {};
  let pgDb: Awaited<ReturnType<typeof createPgDatabase>> | undefined;
  if (database === 'postgres') {
    pgDb = await createPgDatabase(values['pg-url'] ?? '');
    env = { DATABASE_URL: pgDb.url };
  }
  try {
    const { samples, rate } = await measure(env);
    const base = pgDb ? await pgBaseline(pgDb.url, samples) : sqliteBaseline(samples);
    const result = {
      bench: 'ingest',
      at: new Date().toISOString(),
      database,
      computers,
      batchSize,
      samples,
      samplesPerSec: Math.round(rate),
      baselineSamplesPerSec: Math.round(base),
      ratioToBaseline: Number((rate / base).toFixed(3)),
      target: 20_000,
      node: process.version,
    };
    const line =
      `ingest (${database}, ${computers} computers, batches of ${batchSize}): ${result.samplesPerSec} samples/s ` +
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
