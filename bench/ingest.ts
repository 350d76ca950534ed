/**
 * Ingest throughput: samples/s the real backend stores through
 * POST /api/v1/internal/ingest (validation, transaction, idempotent insert,
 * latest figures, acks), on SQLite and PostgreSQL, into a database that
 * already holds `--hours` of history for the computers sending.
 *
 * - Load: real agent frames (bench/fixtures/agent-samples.jsonl, taken from a
 *   running agent by bench/ingest-capture.ts, process lists included) with each
 *   computer's own seq and time spliced in; `--relays` simulated relays, each
 *   holding its share of the computers and keeping `--in-flight` batches of
 *   `--batch` (labmgr-relay's 1,000) in flight: 2 as labmgr-relay does since
 *   issue 13, 1 as it did before; each measured in turn.
 * - Database: a template made once (bench/ingest-prefill.ts: enrolled computers,
 *   inventories, `--hours` of raw samples every `--interval-ms`, the rollups)
 *   and copied for each run.
 * - Each measured run (`--warmup` s not counted, then `--seconds`) is followed
 *   at once by its baseline on the same copy with the backend still up: the
 *   same number of rows of the same figures inserted straight into
 *   `metric_samples` (SQLite: one prepared INSERT; PostgreSQL: the backend's
 *   INSERT … UNNEST), `--batch` rows a transaction. Rounds alternate.
 *
 *   flock /tmp/labmgr-bench.lock npx tsx bench/ingest.ts [--databases sqlite,postgres] [--relays 1,2]
 *     [--runs 3] [--seconds 60] [--warmup 5] [--computers 1000] [--hours 24] [--interval-ms 5000]
 *     [--batch 1000] [--in-flight 1,2] [--synchronous full] [--pg-url postgres://postgres@127.0.0.1:5432/postgres]
 *     [--prefill-max-age-min 240] [--profile dir] [--no-baseline]
 *
 * Prints each run and a summary; appends every run to bench/results/ingest.json.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../test/harness.js';
import { fixtureSet, loadFixtures } from './ingest-fixtures.js';
import {
  type BenchDatabase,
  createRelayToken,
  ensureTemplate,
  type PrefillMeta,
  restoreTemplate,
  startBackend,
} from './ingest-prefill.js';
import { Fleet, pgBaseline, type RelayStats, runRelay, sqliteBaseline } from './ingest-relay.js';

const { values } = parseArgs({
  options: {
    databases: { type: 'string', default: 'sqlite,postgres' },
    relays: { type: 'string', default: '1,2' },
    /**
     * Batches each relay keeps in flight, each value measured in turn: 2 is labmgr-relay's
     * (INGEST_IN_FLIGHT), 1 what it kept before issue 13.
     */
    'in-flight': { type: 'string', default: '1,2' },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '5' },
    computers: { type: 'string', default: '1000' },
    hours: { type: 'string', default: '24' },
    'interval-ms': { type: 'string', default: '5000' },
    batch: { type: 'string', default: '1000' },
    /** SQLite: LABMGR_SQLITE_SYNCHRONOUS values, each measured in turn (e.g. full,normal). */
    synchronous: { type: 'string', default: 'full' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'prefill-max-age-min': { type: 'string', default: '240' },
    /**
     * Backends to compare, measured in turn in each round: name=path of a built
     * labmgr-server.js (e.g. a worktree of another commit); default: this tree's.
     */
    variants: { type: 'string', default: '' },
    /** Write the backend's CPU profiles (--cpu-prof) into this directory. */
    profile: { type: 'string' },
    'no-baseline': { type: 'boolean', default: false },
    /** Do not append to bench/results/ingest.json (trial runs). */
    'no-record': { type: 'boolean', default: false },
    /** Which capture of real frames (bench/ingest-fixtures.ts): `agent` or `every-list`. */
    frames: { type: 'string', default: 'agent' },
  },
});
const num = (v: string | undefined) => Number(v);
const seconds = num(values.seconds);
const warmup = num(values.warmup);
const batchSize = num(values.batch);
const computers = num(values.computers);
const relayCounts = (values.relays ?? '1').split(',').map(Number);
const inFlights = (values['in-flight'] ?? '1').split(',').map(Number);
const pgAdminUrl = values['pg-url'] ?? '';
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

const fixtureName = fixtureSet(values.frames);
const fx = loadFixtures(fixtureName);
const meanFrameBytes = Math.round(fx.frameBytes.reduce((a, b) => a + b, 0) / fx.frameBytes.length);
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
const dirty =
  execFileSync('git', ['status', '--porcelain', 'packages/backend/src'], { cwd: ROOT }).toString().trim() !==
  '';

/** CPU seconds (user + system) of a process, threads included. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of every PostgreSQL server process. */
function postgresCpuSeconds(): number {
  let sum = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') sum += cpuSeconds(Number(d));
    } catch {}
  }
  return sum;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};
const load1 = () => Number((loadavg()[0] ?? 0).toFixed(2));

interface Run {
  database: BenchDatabase;
  synchronous?: string;
  relays: number;
  inFlight: number;
  variant: string;
  samplesPerSec: number;
  baselineSamplesPerSec?: number;
  load1Start: number;
  load1End: number;
  baselineLoad1End?: number;
}

async function measure(
  meta: PrefillMeta,
  database: BenchDatabase,
  relays: number,
  inFlight: number,
  synchronous: string | undefined,
  variant: { name: string; bin: string | undefined },
): Promise<Run> {
  const copy = await restoreTemplate(meta, pgAdminUrl);
  const env: NodeJS.ProcessEnv = synchronous ? { LABMGR_SQLITE_SYNCHRONOUS: synchronous } : {};
  if (values.profile) {
    mkdirSync(resolve(values.profile), { recursive: true });
    process.env.LABMGR_CHILD_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${resolve(values.profile)}`;
  }
  // Relay tokens the template lacks are made on this copy.
  const tokens = [...meta.relayTokens];
  for (let r = tokens.length; r < relays; r++)
    tokens.push(await createRelayToken(copy.dataDir, copy.databaseUrl, `bench-relay-${r + 1}`));
  const backend = await startBackend(copy.dataDir, copy.databaseUrl, env, variant.bin);
  delete process.env.LABMGR_CHILD_NODE_ARGS;
  try {
    const ids = meta.computers.slice(0, computers);
    const fleet = new Fleet(ids, meta.samplesPerComputer + 1);
    const groups = Array.from({ length: relays }, (_, r) =>
      ids.map((_, i) => i).filter((i) => i % relays === r),
    );
    const load1Start = load1();
    const t0 = performance.now();
    const windowStart = t0 + warmup * 1000;
    const until = windowStart + seconds * 1000;
    let cpu0 = 0;
    let pgCpu0 = 0;
    let client0 = process.cpuUsage();
    const pid = backend.proc.child.pid ?? 0;
    setTimeout(() => {
      cpu0 = cpuSeconds(pid);
      pgCpu0 = database === 'postgres' ? postgresCpuSeconds() : 0;
      client0 = process.cpuUsage();
    }, warmup * 1000);
    const stats: RelayStats[] = await Promise.all(
      groups.map((members, r) =>
        runRelay({
          backendUrl: backend.url,
          token: tokens[r] ?? '',
          relayId: `bench-relay-${r + 1}`,
          fleet,
          members,
          batchSize,
          fx,
          windowStart,
          until,
          inFlight,
        }),
      ),
    );
    const windowEnd = Math.max(...stats.map((s) => s.lastDone));
    const backendCpu = cpuSeconds(pid) - cpu0;
    const pgCpu = database === 'postgres' ? postgresCpuSeconds() - pgCpu0 : 0;
    const client = process.cpuUsage(client0);
    const load1End = load1();
    const samples = stats.reduce((s, r) => s + r.samples, 0);
    const elapsed = (windowEnd - windowStart) / 1000;
    const rate = samples / elapsed;
    const latencies = stats.flatMap((s) => s.latencies);
    const bodyBytes = stats.reduce((s, r) => s + r.bodyBytes, 0) / stats.reduce((s, r) => s + r.batches, 0);

    let baseline: number | undefined;
    let baselineLoad1End: number | undefined;
    if (!values['no-baseline']) {
      if (database === 'sqlite') {
        baseline = sqliteBaseline({
          file: join(copy.dataDir, 'labmgr.sqlite'),
          synchronous: synchronous ?? 'full',
          fleet,
          members: ids.map((_, i) => i),
          rows: samples,
          batchSize,
          fx,
        });
      } else {
        baseline = await pgBaseline({
          url: copy.databaseUrl ?? '',
          fleet,
          groups,
          rows: samples,
          batchSize,
          fx,
        });
      }
      baselineLoad1End = load1();
    }
    const result = {
      bench: 'ingest',
      at: new Date().toISOString(),
      commit: `${commit}${dirty ? '+dirty' : ''}`,
      ...(variant.bin ? { variant: variant.name, serverBin: variant.bin } : {}),
      database,
      ...(synchronous ? { synchronous } : {}),
      relays,
      inFlightPerRelay: inFlight,
      computers: ids.length,
      batchSize,
      seconds: Number(elapsed.toFixed(1)),
      warmupSeconds: warmup,
      frames: fixtureName,
      frameBytes: {
        min: fx.frameBytes[0],
        median: quantile(fx.frameBytes, 0.5),
        mean: meanFrameBytes,
        max: fx.frameBytes.at(-1),
      },
      bodyBytes: Math.round(bodyBytes),
      prefill: {
        hours: num(values.hours),
        intervalMs: num(values['interval-ms']),
        ...meta.rows,
        gib: Number((meta.bytes / 2 ** 30).toFixed(2)),
        historyEndedMinAgo: Math.round((Date.now() - meta.historyEnd) / 60_000),
      },
      samples,
      samplesPerSec: Math.round(rate),
      batchMs: {
        median: Number(quantile(latencies, 0.5).toFixed(1)),
        p99: Number(quantile(latencies, 0.99).toFixed(1)),
        max: Number(Math.max(...latencies).toFixed(1)),
      },
      backendCpuUsPerSample: Number(((backendCpu * 1e6) / samples).toFixed(1)),
      backendCpuPercent: Math.round((backendCpu / elapsed) * 100),
      ...(database === 'postgres'
        ? {
            postgresCpuUsPerSample: Number(((pgCpu * 1e6) / samples).toFixed(1)),
            postgresCpuPercent: Math.round((pgCpu / elapsed) * 100),
          }
        : {}),
      clientCpuPercent: Math.round(((client.user + client.system) / 1e6 / elapsed) * 100),
      load1Start,
      load1End,
      ...(baseline !== undefined
        ? {
            baselineSamplesPerSec: Math.round(baseline),
            baselineLoad1End,
            ratioToBaseline: Number((rate / baseline).toFixed(3)),
          }
        : {}),
      target: 20_000,
      node: process.version,
    };
    log(
      `${variant.bin ? `[${variant.name}] ` : ''}${database}${synchronous ? ` (${synchronous})` : ''}, ${relays} relay(s) × ${inFlight} in flight: ${result.samplesPerSec} samples/s ` +
        `(batch ${result.batchMs.median} ms median, p99 ${result.batchMs.p99}; backend ${result.backendCpuUsPerSample} µs CPU/sample, ` +
        `${result.backendCpuPercent} % of a core${database === 'postgres' ? `; postgres ${result.postgresCpuUsPerSample} µs/sample` : ''}; ` +
        `client ${result.clientCpuPercent} %) load ${load1Start} → ${load1End}` +
        (baseline !== undefined
          ? `; baseline ${result.baselineSamplesPerSec}/s (load ${baselineLoad1End})`
          : ''),
    );
    if (!values['no-record'])
      appendFileSync(join(ROOT, 'bench/results/ingest.json'), `${JSON.stringify(result)}\n`);
    return {
      database,
      ...(synchronous ? { synchronous } : {}),
      relays,
      inFlight,
      variant: variant.name,
      samplesPerSec: result.samplesPerSec,
      ...(baseline !== undefined ? { baselineSamplesPerSec: Math.round(baseline), baselineLoad1End } : {}),
      load1Start,
      load1End,
    };
  } finally {
    await backend.stop();
    await copy.drop();
  }
}

const databases = (values.databases ?? '').split(',').filter(Boolean) as BenchDatabase[];
const synchronousModes = (values.synchronous ?? 'full').split(',');
const templates = new Map<BenchDatabase, PrefillMeta>();
for (const database of databases) {
  templates.set(
    database,
    await ensureTemplate(
      {
        database,
        computers,
        hours: num(values.hours),
        intervalMs: num(values['interval-ms']),
        relays: Math.max(...relayCounts),
        pgAdminUrl,
        maxAgeMin: num(values['prefill-max-age-min']),
        log,
      },
      fx,
    ),
  );
}
log(
  `frames (${fixtureName}) ${fx.frameBytes[0]}–${fx.frameBytes.at(-1)} bytes (median ${quantile(fx.frameBytes, 0.5)}, mean ${meanFrameBytes}), ` +
    `${computers} computers, batches of ${batchSize}, ${warmup} s warm-up + ${seconds} s per run`,
);

const variants = (values.variants || '=').split(',').map((v) => {
  const [name = '', path = ''] = v.split('=');
  return { name, bin: path ? resolve(path) : undefined };
});
const runs: Run[] = [];
for (let round = 0; round < num(values.runs); round++)
  for (const database of databases)
    for (const synchronous of database === 'sqlite' ? synchronousModes : [undefined])
      for (const relays of relayCounts)
        for (const inFlight of inFlights) {
          const meta = templates.get(database);
          if (!meta) throw new Error('no template');
          for (const variant of variants)
            runs.push(await measure(meta, database, relays, inFlight, synchronous, variant));
        }

// Summary: min / median / max per configuration, every run with its load.
const fmt = (n: number) => n.toLocaleString('en-US');
console.log(
  '\nconfiguration | samples/s min / median / max | baseline min / median / max | runs (load at start → end)',
);
const label = (r: Run) =>
  `${r.database}${r.synchronous ? ` ${r.synchronous}` : ''}, ${r.relays} relay(s) × ${r.inFlight}${r.variant ? ` [${r.variant}]` : ''}`;
for (const key of new Set(runs.map(label))) {
  const rs = runs.filter((r) => label(r) === key);
  const m = rs.map((r) => r.samplesPerSec);
  const b = rs.flatMap((r) => (r.baselineSamplesPerSec === undefined ? [] : [r.baselineSamplesPerSec]));
  const three = (xs: number[]) =>
    xs.length ? `${fmt(Math.min(...xs))} / ${fmt(quantile(xs, 0.5))} / ${fmt(Math.max(...xs))}` : '-';
  console.log(
    `${key} | ${three(m)} | ${three(b)} | ${rs.map((r) => `${fmt(r.samplesPerSec)} (${r.load1Start} → ${r.load1End})`).join(', ')}`,
  );
}
