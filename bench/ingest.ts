/**
 * Ingest throughput: samples/s the real backend stores through
 * POST /api/v1/internal/ingest (validation, transaction, idempotent insert,
 * computer state update), against a baseline in the same run: the same rows
 * inserted straight into a fresh SQLite file with one prepared statement.
 *
 *   npx tsx bench/ingest.ts [--computers 200] [--seconds 10] [--batch 500]
 *
 * Prints the figures and appends them to bench/results/ingest.json.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fixtures, type IngestBatch } from '@labmgr/protocol';
import SqliteDatabase from 'better-sqlite3';
import { BIN, ROOT, runCli, startSystem, tempDir } from '../test/harness.js';

const { values } = parseArgs({
  options: {
    computers: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '500' },
  },
});
const computers = Number(values.computers);
const seconds = Number(values.seconds);
const batchSize = Number(values.batch);

function baseline(rows: number): number {
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

const sys = await startSystem();
try {
  const relay = await runCli(BIN.server, ['relay-token', 'create', '--name', 'bench'], {
    LABMGR_DATA_DIR: sys.dataDir,
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
    await res.arrayBuffer();
    stored += items.length;
  }
  const sec = (performance.now() - t0) / 1000;
  const rate = stored / sec;
  const base = baseline(stored);
  const result = {
    bench: 'ingest',
    at: new Date().toISOString(),
    database: 'sqlite',
    computers,
    batchSize,
    samples: stored,
    samplesPerSec: Math.round(rate),
    baselineSamplesPerSec: Math.round(base),
    ratioToBaseline: Number((rate / base).toFixed(3)),
    target: 20_000,
    node: process.version,
  };
  console.log(
    `ingest (sqlite, ${computers} computers, batches of ${batchSize}): ${result.samplesPerSec} samples/s ` +
      `(target >= 20000); baseline raw SQLite insert: ${result.baselineSamplesPerSec} samples/s; ratio ${result.ratioToBaseline}`,
  );
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  appendFileSync(join(ROOT, 'bench/results/ingest.json'), `${JSON.stringify(result)}\n`);
} finally {
  await sys.stop();
}
