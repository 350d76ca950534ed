/**
 * The database bench/ingest.ts measures into: what a production server holds
 * after `hours` of `computers` agents at their default pace (one sample every
 * `intervalMs`, 5 s), built once as a template and copied for each run.
 *
 * Made with the real backend where it matters (enrollment, relay tokens, each
 * computer's inventory through the ingest route, the 1-minute and 1-hour
 * rollups by the backend's own MetricHistory) and with set-based SQL for the
 * raw history itself (17.3 M rows at 1,000 computers for 24 h, in time order
 * as ingest would write them; its figures those of the captured frames).
 *
 * SQLite: a data directory (`labmgr.sqlite` checkpointed into one file),
 * copied per run. PostgreSQL: a database `labmgr_bench_tpl_<key>`, per run
 * `CREATE DATABASE … TEMPLATE … STRATEGY FILE_COPY`, plus the data directory.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { MetricRepository } from '../packages/backend/src/computers/metric.repository.js';
import { openDatabase } from '../packages/backend/src/db/database.js';
import { MetricHistory } from '../packages/backend/src/metrics/metric-history.js';
import { ADMIN_PASSWORD, ApiClient, BIN, freePort, Proc, ROOT, runCli, tempDir } from '../test/harness.js';
import { type AgentFixtures, fixtureIndex } from './ingest-fixtures.js';

export type BenchDatabase = 'sqlite' | 'postgres';

export interface PrefillOptions {
  database: BenchDatabase;
  computers: number;
  hours: number;
  intervalMs: number;
  /** Relay tokens to create (one per simulated relay; a run creates any more it needs on its copy). */
  relays: number;
  pgAdminUrl: string;
  /** Reuse a template made this long ago at most (same parameters, same migrations). */
  maxAgeMin: number;
  log: (line: string) => void;
}

export interface PrefillMeta {
  key: string;
  database: BenchDatabase;
  createdAt: number;
  /** The newest pre-filled sample's time; history covers `hours` before it. */
  historyEnd: number;
  computers: string[];
  /** Samples per computer in the history: seq 1..this. */
  samplesPerComputer: number;
  relayTokens: string[];
  rows: { raw: number; rollup1m: number; rollup1h: number; inventories: number };
  /** Size on disk of the database (SQLite file; PostgreSQL pg_database_size). */
  bytes: number;
  buildSeconds: number;
  /** PostgreSQL: the template database. */
  pgTemplate?: string;
}

const CACHE = join(tmpdir(), 'labmgr-bench-ingest');

export interface Backend {
  proc: Proc;
  url: string;
  stop(): Promise<void>;
}

/** Starts the built backend on `dataDir` (and `databaseUrl` when PostgreSQL). */
export async function startBackend(
  dataDir: string,
  databaseUrl: string | undefined,
  env: NodeJS.ProcessEnv = {},
  bin = BIN.server,
): Promise<Backend> {
  const port = await freePort();
  const proc = new Proc('backend', bin, [], {
    LABMGR_DATA_DIR: dataDir,
    LABMGR_PORT: String(port),
    LABMGR_HOST: '127.0.0.1',
    LABMGR_RELAY_PORT: String(await freePort()),
    LABMGR_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  await proc.waitForOutput(/labmgr-server listening/, 120_000);
  return {
    proc,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const code = await proc.stop(60_000);
      if (code !== 0 && code !== null)
        throw new Error(`backend exited ${code}:\n${proc.output.slice(-4000)}`);
    },
  };
}

function pgUrl(adminUrl: string, db: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${db}`;
  return url.toString();
}

async function pgAdmin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Parameters, fixtures and the newest migration: a template made before a
 * migration that rebuilds a table (0015) would have each run's backend
 * rebuild it at start-up.
 */
function templateKey(o: PrefillOptions, fx: AgentFixtures): string {
  const migrations = readdirSync(join(ROOT, 'packages/backend/src/db/migrations'))
    .filter((f) => /^\d{4}_.*\.ts$/.test(f))
    .sort();
  const newest = migrations.at(-1)?.slice(0, 4) ?? '0000';
  return `${o.computers}c-${o.hours}h-${o.intervalMs}ms-${fx.hash}-m${newest}`;
}

/** The template for `o`: the cached one if recent enough, else built now. */
export async function ensureTemplate(o: PrefillOptions, fx: AgentFixtures): Promise<PrefillMeta> {
  const key = templateKey(o, fx);
  const dir = join(CACHE, `${o.database}-${key}`);
  const metaFile = join(dir, 'meta.json');
  if (existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as PrefillMeta;
    const ageMin = (Date.now() - meta.historyEnd) / 60_000;
    const pgOk =
      o.database !== 'postgres' ||
      (await pgAdmin(o.pgAdminUrl, async (c) => {
        const r = await c.query('select 1 from pg_database where datname = $1', [meta.pgTemplate]);
        return r.rowCount === 1;
      }));
    if (ageMin <= o.maxAgeMin && pgOk) {
      o.log(`pre-fill: reusing ${o.database} template ${key} (history ends ${ageMin.toFixed(0)} min ago)`);
      return meta;
    }
  }
  // Old templates of this database kind go (a stale one is large).
  if (existsSync(CACHE))
    for (const d of readdirSync(CACHE))
      if (d.startsWith(`${o.database}-`)) rmSync(join(CACHE, d), { recursive: true });
  if (o.database === 'postgres')
    await pgAdmin(o.pgAdminUrl, async (c) => {
      const old = await c.query<{ datname: string }>(
        "select datname from pg_database where datname like 'labmgr_bench_tpl_%'",
      );
      for (const { datname } of old.rows) await c.query(`drop database if exists ${datname} with (force)`);
    });
  mkdirSync(dir, { recursive: true });
  const meta = await build(o, fx, key, dir);
  writeFileSync(metaFile, `${JSON.stringify(meta)}\n`);
  return meta;
}

async function build(o: PrefillOptions, fx: AgentFixtures, key: string, dir: string): Promise<PrefillMeta> {
  const t0 = performance.now();
  const dataDir = join(dir, 'data');
  const pgTemplate = o.database === 'postgres' ? `labmgr_bench_tpl_${process.pid}` : undefined;
  const databaseUrl = pgTemplate ? pgUrl(o.pgAdminUrl, pgTemplate) : undefined;
  if (pgTemplate) await pgAdmin(o.pgAdminUrl, (c) => c.query(`create database ${pgTemplate}`));

  // 1. The real backend: computers enrolled, relay tokens, inventories through the ingest route.
  o.log(`pre-fill (${o.database}): enrolling ${o.computers} computers`);
  const backend = await startBackend(dataDir, databaseUrl);
  const computers: string[] = [];
  const relayTokens: string[] = [];
  try {
    const api = new ApiClient(backend.url);
    const login = await api.login();
    if (!login.ok) throw new Error(`admin login failed: ${login.status}`);
    const { token } = await api.json<{ token: string }>('POST', '/api/v1/enrollment-tokens', {
      uses: o.computers,
    });
    for (let i = 0; i < o.computers; i += 16) {
      const ids = await Promise.all(
        Array.from({ length: Math.min(16, o.computers - i) }, async (_, j) => {
          const res = await fetch(`${backend.url}/api/v1/agents/enroll`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ token, hostname: `bench-${i + j}` }),
          });
          if (!res.ok) throw new Error(`enroll: ${res.status} ${await res.text()}`);
          return ((await res.json()) as { computerId: string }).computerId;
        }),
      );
      computers.push(...ids);
    }
    for (let r = 0; r < o.relays; r++)
      relayTokens.push(await createRelayToken(dataDir, databaseUrl, `bench-relay-${r + 1}`));
    for (let i = 0; i < computers.length; i += 500) {
      const items = computers.slice(i, i + 500).map((computerId, j) => ({
        computerId,
        receivedAt: Date.now(),
        frame: { ...fx.inventory, inventory: { ...fx.inventory.inventory, hostname: `bench-${i + j}` } },
      }));
      const res = await fetch(`${backend.url}/api/v1/internal/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${relayTokens[0]}` },
        body: JSON.stringify({ relayId: 'bench-relay-1', items }),
      });
      if (!res.ok) throw new Error(`inventory ingest: ${res.status} ${await res.text()}`);
    }
  } finally {
    await backend.stop();
  }

  // 2. Raw history: `samplesPerComputer` rows per computer, every intervalMs up to now, in time order.
  const samplesPerComputer = Math.floor((o.hours * 3_600_000) / o.intervalMs);
  const historyEnd = Date.now();
  const start = historyEnd - samplesPerComputer * o.intervalMs;
  const fxRows = fx.figures.map((f, k) => [
    k,
    f.cpu,
    f.memUsed,
    f.memTotal,
    f.diskUsed,
    f.diskTotal,
    f.load1,
    f.netRx,
    f.netTx,
  ]);
  const n = fx.figures.length;
  // Each computer samples at its own offset inside the interval, as real agents do.
  const at = (seqExpr: string, iExpr: string) =>
    `${start} + (${seqExpr} - 1) * ${o.intervalMs} + ((${iExpr} * 7919) % ${o.intervalMs})`;
  // fixtureIndex: (seq + i * 7) % n, as the measured runs send.
  const k = (seqExpr: string, iExpr: string) => `(${seqExpr} + ${iExpr} * 7) % ${n}`;
  if (fixtureIndex(fx, 1, 1) !== 8 % n) throw new Error('fixtureIndex changed: update the pre-fill SQL');
  const chunk = Math.max(1, Math.floor(3_600_000 / o.intervalMs)); // one hour of samples per statement
  o.log(
    `pre-fill (${o.database}): ${samplesPerComputer * o.computers} raw samples (${samplesPerComputer} per computer)`,
  );

  const latestOf = (i: number) => fx.latest[fixtureIndex(fx, i, samplesPerComputer)] ?? '{}';
  if (o.database === 'sqlite') {
    const db = new SqliteDatabase(join(dataDir, 'labmgr.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    db.exec(`create temp table fx (k integer primary key, cpu real, mem_used integer, mem_total integer,
      disk_used integer, disk_total integer, load1 real, net_rx real, net_tx real);
      create temp table cx (i integer primary key, id text not null)`);
    const fxInsert = db.prepare('insert into fx values (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const r of fxRows) fxInsert.run(...r);
    const cxInsert = db.prepare('insert into cx values (?, ?)');
    for (const [i, id] of computers.entries()) cxInsert.run(i, id);
    const insert =
      db.prepare(`insert into metric_samples (computer_id, seq, at, cpu_percent, mem_used, mem_total,
        disk_used, disk_total, load1, net_rx, net_tx)
      with recursive s(n) as (select ? union all select n + 1 from s where n < ?)
      select cx.id, s.n, ${at('s.n', 'cx.i')}, fx.cpu, fx.mem_used, fx.mem_total, fx.disk_used, fx.disk_total,
        fx.load1, fx.net_rx, fx.net_tx
      from s cross join cx cross join fx where fx.k = ${k('s.n', 'cx.i')}`);
    for (let from = 1; from <= samplesPerComputer; from += chunk) {
      db.transaction(() => insert.run(from, Math.min(samplesPerComputer, from + chunk - 1)))();
      o.log(`  ${Math.min(samplesPerComputer, from + chunk - 1)} / ${samplesPerComputer}`);
    }
    const latest = db.prepare(
      `update computers set status = 'online', last_seen_at = ?, latest_metrics = ? where id = ?`,
    );
    db.transaction(() => {
      for (const [i, id] of computers.entries()) latest.run(historyEnd, latestOf(i), id);
    })();
    db.close();
  } else {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      await c.query(`create temp table fx (k int primary key, cpu float8, mem_used bigint, mem_total bigint,
        disk_used bigint, disk_total bigint, load1 float8, net_rx float8, net_tx float8)`);
      await c.query('create temp table cx (i int primary key, id text not null)');
      for (const r of fxRows) await c.query('insert into fx values ($1, $2, $3, $4, $5, $6, $7, $8, $9)', r);
      await c.query('insert into cx select i - 1, id from unnest($1::text[]) with ordinality as u(id, i)', [
        computers,
      ]);
      await c.query('analyze fx; analyze cx');
      for (let from = 1; from <= samplesPerComputer; from += chunk) {
        const to = Math.min(samplesPerComputer, from + chunk - 1);
        await c.query(`insert into metric_samples (computer_id, seq, at, cpu_percent, mem_used, mem_total,
            disk_used, disk_total, load1, net_rx, net_tx)
          select cx.id, s.n, ${at('s.n', 'cx.i')}, fx.cpu, fx.mem_used, fx.mem_total, fx.disk_used,
            fx.disk_total, fx.load1, fx.net_rx, fx.net_tx
          from generate_series(${from}::bigint, ${to}::bigint) as s(n) cross join cx
            join fx on fx.k = ${k('s.n', 'cx.i')}
          order by s.n, cx.i`);
        o.log(`  ${to} / ${samplesPerComputer}`);
      }
      await c.query(
        `update computers c set status = 'online', last_seen_at = $1, latest_metrics = v.m
         from unnest($2::text[], $3::text[]) as v(id, m) where c.id = v.id`,
        [historyEnd, computers, computers.map((_, i) => latestOf(i))],
      );
    } finally {
      await c.end();
    }
  }

  // 3. The rollups and their watermarks, by the backend's own code, as its timer would have left them.
  o.log(`pre-fill (${o.database}): 1-minute and 1-hour rollups`);
  const handle = openDatabase({ dataDir, databaseUrl });
  try {
    // The backend folded (nothing) up to its start while enrolling: fold the history from its start.
    await handle.db.deleteFrom('metric_rollup_state').execute();
    const history = new MetricHistory(new MetricRepository(handle.db), {
      retentionRawHours: 48,
      retentionMinuteDays: 30,
      retentionHourDays: 365,
    });
    await history.rollup(Date.now());
  } finally {
    await handle.db.destroy();
  }

  // 4. Counts, size, and a template that copies cleanly.
  let rows: PrefillMeta['rows'];
  let bytes: number;
  if (o.database === 'sqlite') {
    const file = join(dataDir, 'labmgr.sqlite');
    const db = new SqliteDatabase(file);
    const count = (t: string) => (db.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n;
    rows = {
      raw: count('metric_samples'),
      rollup1m: count('metric_rollups_1m'),
      rollup1h: count('metric_rollups_1h'),
      inventories: count('computer_inventories'),
    };
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    bytes = readdirSync(dataDir)
      .filter((f) => f.startsWith('labmgr.sqlite'))
      .reduce((sum, f) => sum + statSync(join(dataDir, f)).size, 0);
  } else {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      // What autovacuum would have done over a day: statistics and the visibility map.
      await c.query('vacuum analyze');
      const count = async (t: string) =>
        Number((await c.query<{ n: string }>(`select count(*) as n from ${t}`)).rows[0]?.n);
      rows = {
        raw: await count('metric_samples'),
        rollup1m: await count('metric_rollups_1m'),
        rollup1h: await count('metric_rollups_1h'),
        inventories: await count('computer_inventories'),
      };
      bytes = Number(
        (await c.query<{ b: string }>('select pg_database_size(current_database()) as b')).rows[0]?.b,
      );
    } finally {
      await c.end();
    }
  }
  const meta: PrefillMeta = {
    key,
    database: o.database,
    createdAt: Date.now(),
    historyEnd,
    computers,
    samplesPerComputer,
    relayTokens,
    rows,
    bytes,
    buildSeconds: Math.round((performance.now() - t0) / 1000),
    ...(pgTemplate ? { pgTemplate } : {}),
  };
  o.log(
    `pre-fill (${o.database}): ${rows.raw} raw rows, ${rows.rollup1m} 1-minute and ${rows.rollup1h} 1-hour buckets, ` +
      `${(bytes / 2 ** 30).toFixed(2)} GiB, built in ${meta.buildSeconds} s`,
  );
  return meta;
}

/** A relay service token made with the real CLI on a data dir (and database). */
export async function createRelayToken(
  dataDir: string,
  databaseUrl: string | undefined,
  name: string,
): Promise<string> {
  const out = await runCli(BIN.server, ['relay-token', 'create', '--name', name], {
    LABMGR_DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const token = out.stdout.match(/token: (\S+)/)?.[1];
  if (!token) throw new Error(`relay-token create failed: ${out.stderr}`);
  return token;
}

/** A run's own copy of the template: its data dir (and PostgreSQL database); `drop` removes them. */
export async function restoreTemplate(
  meta: PrefillMeta,
  pgAdminUrl: string,
): Promise<{ dataDir: string; databaseUrl: string | undefined; drop(): Promise<void> }> {
  const dir = join(CACHE, `${meta.database}-${meta.key}`, 'data');
  const dataDir = tempDir('labmgr-bench-ingest-run-');
  cpSync(dir, dataDir, { recursive: true });
  // The copy (2 GiB for SQLite) is still in the page cache, dirty: without this its write-back would run inside
  // the measured window, and the backend's first fsyncs would wait for it.
  execFileSync('sync');
  if (!meta.pgTemplate) {
    return {
      dataDir,
      databaseUrl: undefined,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `labmgr_bench_run_${process.pid}`;
  await pgAdmin(pgAdminUrl, async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name} template ${meta.pgTemplate} strategy file_copy`);
  });
  return {
    dataDir,
    databaseUrl: pgUrl(pgAdminUrl, name),
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      await pgAdmin(pgAdminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}
