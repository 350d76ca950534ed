/**
 * Metric history queries: p50/p95 of a 24 h and a 7 d chart of one computer
 * (GET /api/v1/computers/{id}/metrics, auto resolution: 1-minute buckets) and
 * of the fleet list (GET /api/v1/computers?limit=1000, latest metrics
 * included), through the real backend process over HTTP, with `--days` of
 * 1-minute (and 1-hour) rollups for `--computers` computers in the database.
 * On SQLite and on PostgreSQL (a fresh database `labmgr_bench_hist_<pid>` this
 * run creates and drops).
 *
 * The data is set up with bulk SQL straight into the migrated database (not
 * measured): one row per computer and minute, the rollup watermarks set to
 * the present so the server folds nothing.
 *
 *   npx tsx bench/history.ts [--computers 1000] [--days 30] [--runs 60]
 *     [--databases sqlite,postgres] [--pg-url postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Prints a table and appends one JSON line per database to bench/results/history.json.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fixtures } from '@labmgr/protocol';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { BIN, ROOT, runCli, startSystem, tempDir } from '../test/harness.js';

const { values } = parseArgs({
  options: {
    computers: { type: 'string', default: '1000' },
    days: { type: 'string', default: '30' },
    runs: { type: 'string', default: '60' },
    databases: { type: 'string', default: 'sqlite,postgres' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const computers = Number(values.computers);
const days = Number(values.days);
const runs = Number(values.runs);
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const now = Date.now();
const end = Math.floor((now - MIN) / MIN) * MIN;
// An hour inside the retention limit, so the server's first retention pass deletes nothing.
const start = Math.floor((end - days * DAY + HOUR) / HOUR) * HOUR;
const endHour = Math.floor(end / HOUR) * HOUR;

const ROLLUP_COLS =
  'computer_id, bucket_start, samples, last_seq, cpu_avg, cpu_min, cpu_max, mem_used_avg, mem_used_min, mem_used_max, ' +
  'disk_used_avg, disk_used_min, disk_used_max, load1_avg, load1_min, load1_max, net_rx_avg, net_rx_min, net_rx_max, ' +
  'net_tx_avg, net_tx_min, net_tx_max, mem_total, disk_total';
/** Figures derived from the bucket start `x` (the same SQL on both databases). */
function rollupValues(samplesPerBucket: number): string {
  const k = '(x / 60000)';
  const f = [
    `(${k} % 97) + 0.5`,
    `4000000000 + (${k} % 1000) * 1000000`,
    `100000000000 + (${k} % 10) * 1000000`,
    `(${k} % 400) / 100.0`,
    `(${k} % 5000) * 100`,
    `(${k} % 3000) * 100`,
  ];
  return [
    `${samplesPerBucket}`,
    `x / 5000`,
    ...f.flatMap((v) => [`${v}`, `(${v}) * 0.5`, `(${v}) * 1.5`]),
    '17179869184',
    '480000000000',
  ].join(', ');
}

interface Fleet {
  ids: string[];
  rows: unknown[][];
}

function fleet(): Fleet {
  const inventory = fixtures.inventory();
  const latest = JSON.stringify({
    at: new Date(now).toISOString(),
    cpuPercent: 12.5,
    memUsedBytes: 6e9,
    memTotalBytes: 16e9,
    diskUsedBytes: 120e9,
    diskTotalBytes: 480e9,
    load1: 0.5,
    netRxBytesPerSec: 1200,
    netTxBytesPerSec: 800,
    uptimeSec: 3600,
  });
  const ids: string[] = [];
  const rows: unknown[][] = [];
  for (let i = 0; i < computers; i++) {
    const id = randomUUID();
    ids.push(id);
    const hostname = `lab-pc-${String(i).padStart(4, '0')}`;
    rows.push([
      id,
      hostname,
      `bench-${id}`,
      'online',
      now,
      JSON.stringify([...new Set(inventory.users.map((u) => u.user))]),
      now,
      latest,
      now - 40 * DAY,
      'Debian GNU/Linux 12',
      inventory.agentVersion,
    ]);
  }
  return { ids, rows };
}
const COMPUTER_COLS =
  'id, hostname, credential_hash, status, last_seen_at, logged_in_users, inventory_updated_at, latest_metrics, created_at, os_name, agent_version';
/** Each computer's inventory row (`computer_inventories`, migration 0006): what the detail page reads. */
const inventoryOf = (hostname: unknown) => JSON.stringify({ ...fixtures.inventory(), hostname });

function seedSqlite(file: string, f: Fleet): void {
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insertComputer = db.prepare(`insert into computers (${COMPUTER_COLS}) values (${'?, '.repeat(10)}?)`);
  const insertInventory = db.prepare(
    'insert into computer_inventories (computer_id, inventory, updated_at) values (?, ?, ?)',
  );
  db.transaction(() => {
    for (const r of f.rows) {
      insertComputer.run(...r);
      insertInventory.run(r[0], inventoryOf(r[1]), r[6]);
    }
  })();
  const series = (table: string, step: number, from: number, to: number, samples: number) =>
    db.prepare(
      `insert into ${table} (${ROLLUP_COLS}) with recursive t(x) as (select ${from} union all select x + ${step} from t where x + ${step} < ${to})
       select ?, x, ${rollupValues(samples)} from t`,
    );
  const minutes = series('metric_rollups_1m', MIN, start, end, 12);
  const hours = series('metric_rollups_1h', HOUR, start, endHour, 720);
  const t0 = performance.now();
  for (let i = 0; i < f.ids.length; i += 50) {
    db.transaction(() => {
      for (const id of f.ids.slice(i, i + 50)) {
        minutes.run(id);
        hours.run(id);
      }
    })();
    if (i % 200 === 0)
      process.stdout.write(
        `  sqlite seed ${i}/${f.ids.length} (${Math.round((performance.now() - t0) / 1000)} s)\r`,
      );
  }
  db.prepare(`insert or replace into metric_rollup_state values ('1m', ?), ('1h', ?)`).run(end, endHour);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('analyze');
  db.close();
}

async function seedPostgres(url: string, f: Fleet): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const cols = COMPUTER_COLS.split(', ').length;
    const transposed = Array.from({ length: cols }, (_, k) => f.rows.map((r) => r[k]));
    await c.query(
      `insert into computers (${COMPUTER_COLS}) select * from unnest($1::text[], $2::text[], $3::text[], $4::text[],
        $5::bigint[], $6::text[], $7::bigint[], $8::text[], $9::bigint[], $10::text[], $11::text[])`,
      transposed,
    );
    await c.query(
      'insert into computer_inventories (computer_id, inventory, updated_at) select * from unnest($1::text[], $2::text[], $3::bigint[])',
      [f.rows.map((r) => r[0]), f.rows.map((r) => inventoryOf(r[1])), f.rows.map((r) => r[6])],
    );
    const t0 = performance.now();
    for (let i = 0; i < f.ids.length; i += 50) {
      const ids = f.ids.slice(i, i + 50);
      await c.query(
        `insert into metric_rollups_1m (${ROLLUP_COLS}) select id, x, ${rollupValues(12)}
         from unnest($1::text[]) as id cross join generate_series(${start}::bigint, ${end - MIN}::bigint, ${MIN}::bigint) as x`,
        [ids],
      );
      await c.query(
        `insert into metric_rollups_1h (${ROLLUP_COLS}) select id, x, ${rollupValues(720)}
         from unnest($1::text[]) as id cross join generate_series(${start}::bigint, ${endHour - HOUR}::bigint, ${HOUR}::bigint) as x`,
        [ids],
      );
      if (i % 200 === 0)
        process.stdout.write(
          `  postgres seed ${i}/${f.ids.length} (${Math.round((performance.now() - t0) / 1000)} s)\r`,
        );
    }
    await c.query(
      `insert into metric_rollup_state values ('1m', $1), ('1h', $2) on conflict (resolution) do update set done_until = excluded.done_until`,
      [end, endHour],
    );
    await c.query('vacuum analyze');
  } finally {
    await c.end();
  }
}

async function createPgDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `labmgr_bench_hist_${process.pid}`;
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

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function timeQuery(
  url: string,
  cookie: string,
  check: (body: unknown) => void,
): Promise<{ p50: number; p95: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs + 5; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    const text = await res.text();
    const ms = performance.now() - t0;
    if (!res.ok) throw new Error(`${url}: ${res.status} ${text.slice(0, 200)}`);
    if (i === 0) check(JSON.parse(text));
    bytes = text.length;
    if (i >= 5) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p95: pct(times, 95), bytes };
}

const wanted = (values.databases ?? '').split(',').map((s) => s.trim());
const table: string[] = [];
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
for (const database of ['sqlite', 'postgres'] as const) {
  if (!wanted.includes(database)) continue;
  const dataDir = tempDir('labmgr-bench-hist-');
  const pgDb = database === 'postgres' ? await createPgDatabase(values['pg-url'] ?? '') : undefined;
  const env: NodeJS.ProcessEnv = { LABMGR_DATA_DIR: dataDir, ...(pgDb ? { DATABASE_URL: pgDb.url } : {}) };
  try {
    await runCli(BIN.server, ['migrate'], env);
    const f = fleet();
    const t0 = performance.now();
    if (pgDb) await seedPostgres(pgDb.url, f);
    else seedSqlite(join(dataDir, 'labmgr.sqlite'), f);
    const seedSec = (performance.now() - t0) / 1000;
    const rows = computers * Math.round((end - start) / MIN);
    console.log(
      `\n${database}: seeded ${rows.toLocaleString('en')} 1-minute rows in ${seedSec.toFixed(0)} s`,
    );
    let dbBytes: number | undefined;
    if (!pgDb) dbBytes = statSync(join(dataDir, 'labmgr.sqlite')).size;

    const sys = await startSystem({ env });
    try {
      // Let the server's first rollup and retention passes (nothing to do) go by.
      await new Promise((r) => setTimeout(r, 5000));
      const cookie = sys.api.cookieHeader;
      const id = f.ids[Math.floor(f.ids.length / 2)] ?? '';
      const chart = (range: number, points: number) => {
        const q = `from=${new Date(end - range).toISOString()}&to=${new Date(end).toISOString()}`;
        return timeQuery(`${sys.backendUrl}/api/v1/computers/${id}/metrics?${q}`, cookie, (b) => {
          const body = b as { resolution: string; points: unknown[] };
          const expected = Math.min(points, Math.round((end - start) / MIN));
          if (body.resolution !== '1m' || body.points.length !== expected)
            throw new Error(`unexpected series: ${body.resolution}, ${body.points.length} points`);
        });
      };
      const day = await chart(DAY, 1440);
      const week = await chart(7 * DAY, 7 * 1440);
      const list = await timeQuery(`${sys.backendUrl}/api/v1/computers?limit=1000`, cookie, (b) => {
        const body = b as { items: { metrics: unknown }[] };
        if (body.items.length !== Math.min(1000, computers) || !body.items[0]?.metrics)
          throw new Error('unexpected fleet list');
      });
      const result = {
        bench: 'history',
        at: new Date().toISOString(),
        database,
        computers,
        days,
        minuteRows: rows,
        runs,
        chart24h: { p50Ms: round(day.p50), p95Ms: round(day.p95), points: 1440, bytes: day.bytes },
        chart7d: { p50Ms: round(week.p50), p95Ms: round(week.p95), points: 7 * 1440, bytes: week.bytes },
        fleetList: {
          p50Ms: round(list.p50),
          p95Ms: round(list.p95),
          items: Math.min(1000, computers),
          bytes: list.bytes,
        },
        target: { chart24hP95Ms: 50 },
        ...(dbBytes ? { sqliteFileBytes: dbBytes } : {}),
        seedSec: Math.round(seedSec),
        node: process.version,
      };
      appendFileSync(join(ROOT, 'bench/results/history.json'), `${JSON.stringify(result)}\n`);
      table.push(
        `| ${database} | ${day.p50.toFixed(1)} / ${day.p95.toFixed(1)} | ${week.p50.toFixed(1)} / ${week.p95.toFixed(1)} | ${list.p50.toFixed(1)} / ${list.p95.toFixed(1)} |`,
      );
    } finally {
      await sys.stop();
    }
  } finally {
    await pgDb?.drop();
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

console.log(
  `\nhistory (${computers} computers, ${days} days of 1-minute rollups, ${runs} runs each; ms p50 / p95)`,
);
console.log('| database | 24 h chart (1,440 points) | 7 d chart (10,080 points) | fleet list (limit=1000) |');
console.log('| --- | --- | --- | --- |');
for (const line of table) console.log(line);
console.log('target: 24 h chart p95 <= 50 ms');
