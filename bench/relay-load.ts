/**
 * Relay load: simulated agents in separate processes, speaking the real
 * protocol (hello → welcome, one metrics frame per agent per second, pong,
 * acks) against the real relay and backend (SQLite), several runs per level.
 *
 *   npm run build
 *   npx tsx bench/relay-load.ts [--agents 10000,15000] [--seconds 300] [--runs 3]
 *     [--generators 4] [--bare] [--commands 0] [--connect-concurrency 64] [--drain-timeout 180]
 *     [--frames agent|every-list] [--small-frames]
 *
 * Frames: the real agent frames of bench/fixtures (bench/ingest.ts sends the
 * same), each agent's seq and time spliced in: by default as the agent sends
 * them (process lists in the frame after each walk of its processes);
 * `--frames every-list` the capture with the lists in every frame (~2.9 KB
 * each: the agents before 2026-12-07 night, and the worst case);
 * `--small-frames` the protocol's ~1.3 KB fixture sample (what runs before
 * 2026-12-07 evening sent).
 * One run: the meters start, then every agent connects at once (the
 * connection storm is inside the window), sends one frame a second for
 * `--seconds`, then stops sending; the run ends once every frame is acked
 * and the relay's queue is empty (the drain time) or after `--drain-timeout`.
 * Reported per run, every run: the 1-min load average before and after,
 * relay CPU % of one core over the whole window and over the sustained part,
 * RSS, frames/s acked during the sustained part, ack round trip, the peaks of
 * the relay's queue, spool and paced agents (its /healthz once a second),
 * disconnects by close code, drain time, and whether the database holds every
 * frame sent exactly once. Then min/median/max per level, and the targets.
 * `--bare` adds a run against a bare `ws` server that only counts frames (the
 * ceiling); `--commands N` times N live-mode and signed commands per run.
 * Raises the open-files limit (re-exec under bash), loopback only, bounded in
 * time. Appends every run to bench/results/relay-load.json.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fixtures, PROTOCOL_VERSION } from '@labmgr/protocol';
import SqliteDatabase from 'better-sqlite3';
import { ROOT, type System, sleep, startSystem } from '../test/harness.js';
import { type Footprint, Meter } from './agent-footprint-procfs.js';
import { fixtureSet, loadFixtures } from './ingest-fixtures.js';
import {
  type CommandResult,
  commandLatency,
  onGeneratorReport,
  quantile,
  round,
  type SignedResult,
  signedCommands,
} from './relay-load-commands.js';
import {
  type BareCommand,
  type BareReport,
  type GeneratorCommand,
  type GeneratorReport,
  type GeneratorStats,
  Histogram,
  type SimAgent,
} from './relay-load-ipc.js';
import { ensureOpenFiles, Forked, killForked, openFilesLimit } from './relay-load-procs.js';
import { enrollSimAgents } from './sim-agents.js';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '10000,15000' },
    seconds: { type: 'string', default: '300' },
    runs: { type: 'string', default: '3' },
    generators: { type: 'string', default: '4' },
    bare: { type: 'boolean', default: false },
    /** Sequential live-mode and signed commands per run (0: none). */
    commands: { type: 'string', default: '0' },
    /** Upgrades in flight at once, over all generators (the relay checks 64 credentials at a time). */
    'connect-concurrency': { type: 'string', default: '64' },
    /** Longest wait for every frame to be acked after the agents stop sending. */
    'drain-timeout': { type: 'string', default: '180' },
    /**
     * Frames of the protocol's small fixture sample (~1.3 KB, the runs before 2026-12-07 evening) instead of
     * the real agent frames of bench/fixtures (~2.9 KB, process lists included).
     */
    'small-frames': { type: 'boolean', default: false },
    /** Which capture of real frames (bench/ingest-fixtures.ts): `agent` or `every-list`. */
    frames: { type: 'string', default: 'agent' },
  },
});
const levels = values.agents
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0)
  .sort((a, b) => a - b);
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const generatorCount = Math.max(1, Number(values.generators));
const commandCount = Number(values.commands);
const connectConcurrency = Math.max(generatorCount, Number(values['connect-concurrency']));
const drainTimeoutSec = Number(values['drain-timeout']);
const maxAgents = Math.max(0, ...levels);
if (levels.length === 0 || !(seconds > 0) || !(runs >= 1) || !(drainTimeoutSec > 0)) {
  console.error('usage: relay-load.ts --agents 10000,15000 --seconds 300 --runs 3');
  process.exit(2);
}

// Every process holds one descriptor per connection (the relay also its backend sockets).
ensureOpenFiles(maxAgents + 2048);

const TARGET = {
  sustainedAgents: 10_000,
  pacedAgents: 15_000,
  relayCpuPercent: 60,
  commandP99Ms: 25,
  fanoutMs: 2000,
} as const;
const GENERATOR = join(ROOT, 'bench/relay-load-generator.ts');
const BARE = join(ROOT, 'bench/relay-load-bare-server.ts');

// Real agent frames (bench/fixtures, as bench/ingest.ts sends), each agent's seq and `at` spliced in; with
// --small-frames the protocol's fixture sample. The generator takes turns through the tails by seq.
const sampleJson = JSON.stringify(fixtures.sample(0));
const AT_PREFIX = '{"at":0';
if (!sampleJson.startsWith(AT_PREFIX)) throw new Error('fixtures.sample() no longer starts with `at`');
// The generator closes the frame itself: a fixture tail ends the sample and the frame (`…}}`), so one `}` goes.
const sampleTails = values['small-frames']
  ? [sampleJson.slice(AT_PREFIX.length)]
  : loadFixtures(fixtureSet(values.frames)).tails.map((tail) => {
      if (!tail.endsWith('}}')) throw new Error('a fixture frame no longer ends with its sample and frame');
      return tail.slice(0, -1);
    });
const sampleTail = sampleTails[0] ?? '';
const frameSizes = sampleTails
  .map((tail) =>
    Buffer.byteLength(
      `{"type":"metrics","seq":${20_000_001},"dropped":0,"sample":{"at":${Date.now()}${tail}}`,
    ),
  )
  .sort((a, b) => a - b);
/** The mean frame, in bytes (the agent's frames are a mix: most without process lists). */
const frameBytes = Math.round(frameSizes.reduce((a, b) => a + b, 0) / Math.max(1, frameSizes.length));
const frameSet = values['small-frames'] ? 'small' : fixtureSet(values.frames);

type Generator = Forked<GeneratorCommand, GeneratorReport>;

interface Usage {
  cpuPercent: number;
  rssMaxMiB: number;
}

interface RunResult {
  server: 'relay' | 'bare';
  agents: number;
  run: number;
  at: string;
  load1Before: number;
  load1After: number;
  connected: number;
  connectFailed: number;
  connectRetries: number;
  connectErrors: Record<string, number>;
  /** Time for every agent to connect (the storm). */
  connectSeconds: number;
  /** Sending time after the storm. */
  sustainedSeconds: number;
  sentPerSec: number;
  /** relay: samples acked by the backend per second while sending; bare: frames counted per second. */
  forwardedPerSec: number;
  /** Relay (or bare server) over the storm and the sustained part. */
  window: Usage;
  /** Relay over the sustained part only. */
  sustained: Usage;
  backend: Usage | null;
  generatorsCpuPercent: number;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  ackMaxMs: number | null;
  /** Connections the relay closed or lost, by close code, from the storm to the end of the drain. */
  closes: Record<string, number>;
  disconnects: number;
  maxPendingFrames: number | null;
  maxSpoolBytes: number | null;
  maxPacedAgents: number | null;
  /** Seconds from the agents' last frame until every frame was acked and the queue empty; null: not within the timeout. */
  drainSeconds: number | null;
  sent: number;
  unackedAfterDrain: number;
  /** Rows of this run's frames in the database after the drain (each frame is one row; duplicates cannot be stored twice). */
  stored: number | null;
  skippedSends: number;
  maxBufferedBytes: number;
  command: CommandResult | null;
  signed: SignedResult | null;
}

// ---- bounded in time -------------------------------------------------------

const connectTimeoutMs = (n: number) => Math.max(60_000, n * 12);
const budgetMs =
  120_000 +
  maxAgents * 10 + // enrollment
  levels.reduce(
    (total, n) =>
      total +
      runs *
        (values.bare ? 2 : 1) *
        (connectTimeoutMs(n) + (seconds + drainTimeoutSec) * 1000 + 60_000 + commandCount * 2500),
    0,
  );
let sys: System | undefined;
let failure: unknown;
const results: RunResult[] = [];
let saved = false;
const deadline = setTimeout(() => {
  console.error(`relay-load: time limit of ${Math.round(budgetMs / 1000)} s reached; stopping everything`);
  failure ??= 'time limit reached';
  saveRecord();
  killForked();
  void sys?.relay?.kill();
  void sys?.backend.kill();
  setTimeout(() => process.exit(3), 500);
}, budgetMs);
deadline.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    failure ??= `interrupted (${signal})`;
    saveRecord();
    killForked();
    void sys?.relay?.kill();
    void sys?.backend.kill();
    setTimeout(() => process.exit(130), 500);
  });

// ---- helpers ---------------------------------------------------------------

const load1 = () => round(loadavg()[0] ?? 0, 2) ?? 0;

function usage(f: Footprint): Usage {
  return { cpuPercent: round(f.cpuPercent, 2) ?? 0, rssMaxMiB: round(f.rssMaxMiB) ?? 0 };
}

function sum<T>(xs: T[], f: (x: T) => number): number {
  return xs.reduce((a, x) => a + f(x), 0);
}

function mergeCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

interface Health {
  agents: number;
  pendingFrames: number;
  spoolBytes?: number;
  pacedAgents?: number;
}

async function relayHealth(s: System): Promise<Health | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${s.relayPort}/healthz`, { signal: AbortSignal.timeout(2000) });
    return (await res.json()) as Health;
  } catch {
    return null;
  }
}

/** Peaks of the relay's /healthz figures, read once a second. */
class Peaks {
  pending: number | null = null;
  spool: number | null = null;
  paced: number | null = null;
  last: Health | null = null;
  async read(s: System): Promise<void> {
    const h = await relayHealth(s);
    if (!h) return;
    this.last = h;
    this.pending = Math.max(this.pending ?? 0, h.pendingFrames);
    this.spool = Math.max(this.spool ?? 0, h.spoolBytes ?? 0);
    this.paced = Math.max(this.paced ?? 0, h.pacedAgents ?? 0);
  }
}

/** Credentials enrolled so far; a level uses the first N (enrolled once per run). */
const pool: SimAgent[] = [];

async function ensureCredentials(s: System, n: number): Promise<void> {
  const missing = n - pool.length;
  if (missing <= 0) return;
  const t0 = performance.now();
  pool.push(...(await enrollSimAgents(s, pool.length, missing)));
  console.log(`enrolled ${missing} simulated agents in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** Rows stored for seqs in [from, to) over all computers (the backend's SQLite file, read-only). */
function storedRows(s: System, from: number, to: number): number | null {
  try {
    const db = new SqliteDatabase(join(s.dataDir, 'labmgr.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const row = db
        .prepare('select count(*) as n from metric_samples where seq >= ? and seq < ?')
        .get(from, to) as { n: number };
      return row.n;
    } finally {
      db.close();
    }
  } catch (err) {
    console.error(`  could not count stored rows: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

const reportAll = (gens: Generator[]) => {
  const replies = Promise.all(gens.map((g) => g.next('stats', 10_000)));
  for (const g of gens) g.send({ type: 'report' });
  return replies.then((rs) => rs.map((r) => r.stats));
};

// ---- one run: N agents against the relay or the bare server ----------------

let runCounter = 0;

async function runOnce(s: System, server: 'relay' | 'bare', n: number, run: number): Promise<RunResult> {
  runCounter += 1;
  const seqStart = runCounter * 10_000_000 + 1;
  const agents = pool.slice(0, n);
  let bare: Forked<BareCommand, BareReport> | undefined;
  const generators: Generator[] = [];
  const peaks = new Peaks();
  try {
    let url = s.relayUrl;
    let serverPid = s.relay?.child.pid ?? 0;
    if (server === 'bare') {
      bare = new Forked<BareCommand, BareReport>('bare ws server', BARE);
      const { port } = await bare.next('listening', 20_000);
      url = `ws://127.0.0.1:${port}/agent`;
      serverPid = bare.pid;
    }
    await sleep(2000);
    const load1Before = load1();
    console.log(`\n[${n} agents → ${server}, run ${run}] load ${load1Before}; storm of ${n} connections…`);
    const windowMeter = new Meter(server, serverPid, false);
    const backendMeter = server === 'relay' ? new Meter('backend', s.backend.child.pid ?? 0, false) : null;
    windowMeter.start();
    backendMeter?.start();
    const t0 = performance.now();
    const per = Math.ceil(n / generatorCount);
    for (let g = 0; g < generatorCount; g++) {
      const slice = agents.slice(g * per, (g + 1) * per);
      if (slice.length === 0) continue;
      const gen: Generator = new Forked(`generator ${g}`, GENERATOR);
      gen.onUnexpected = onGeneratorReport;
      generators.push(gen);
      gen.send({
        type: 'start',
        mode: server,
        url,
        agents: slice,
        seqStart,
        sampleTail,
        sampleTails,
        protocolVersion: PROTOCOL_VERSION,
        connectConcurrency: Math.max(1, Math.floor(connectConcurrency / generatorCount)),
        connectTimeoutMs: connectTimeoutMs(n),
      });
      // Counts closes from the storm on.
      gen.send({ type: 'window-start' });
    }
    const genMeters = generators.map((g) => new Meter(g.name, g.pid, false));
    for (const m of genMeters) m.start();
    const readyP = Promise.all(generators.map((g) => g.next('ready', connectTimeoutMs(n) + 40_000)));
    let storming = true;
    void readyP.finally(() => {
      storming = false;
    });
    while (storming) {
      windowMeter.poll();
      if (server === 'relay') await peaks.read(s);
      await sleep(500);
    }
    const ready = await readyP;
    const connectSeconds = (performance.now() - t0) / 1000;
    const connected = sum(ready, (r) => r.connected);
    const connectErrors: Record<string, number> = {};
    for (const r of ready) mergeCounts(connectErrors, r.errors);
    console.log(
      `  ${connected}/${n} connected in ${connectSeconds.toFixed(1)} s` +
        (Object.keys(connectErrors).length ? ` (retried: ${JSON.stringify(connectErrors)})` : ''),
    );

    const sustainedMeter = new Meter(`${server} sustained`, serverPid, false);
    sustainedMeter.start();
    const countBefore = bare ? bare.next('count', 5000) : null;
    bare?.send({ type: 'count' });
    const before = await countBefore;
    for (const g of generators) g.send({ type: 'run' });
    const w0 = performance.now();
    console.log(`  sending 1 frame/agent/s for ${seconds} s…`);
    for (let tick = 0; tick < seconds; tick++) {
      windowMeter.poll();
      sustainedMeter.poll();
      backendMeter?.poll();
      for (const m of genMeters) m.poll();
      if (server === 'relay') await peaks.read(s);
      if (tick % 30 === 29) {
        const h = peaks.last;
        console.log(
          `  ${tick + 1} s: queue ${h?.pendingFrames ?? '-'}, paced ${h?.pacedAgents ?? '-'}, spool ${h?.spoolBytes ?? '-'} B, load ${load1()}`,
        );
      }
      await sleep(Math.max(0, w0 + (tick + 1) * 1000 - performance.now()));
    }
    for (const g of generators) g.send({ type: 'quiet' });
    const sustainedSeconds = (performance.now() - w0) / 1000;
    const quietAt = performance.now();
    const countAfter = bare ? bare.next('count', 5000) : null;
    bare?.send({ type: 'count' });
    const after = await countAfter;
    const windowUse = windowMeter.finish();
    const sustainedUse = sustainedMeter.finish();
    const backendUse = backendMeter?.finish() ?? null;
    const generatorUse = genMeters.map((m) => m.finish());
    const atQuiet: GeneratorStats[] = await reportAll(generators);

    // Drain: every frame acked and the relay's queue empty.
    let drainSeconds: number | null = null;
    let final = atQuiet;
    if (server === 'relay') {
      const drainBy = quietAt + drainTimeoutSec * 1000;
      for (;;) {
        final = await reportAll(generators);
        await peaks.read(s);
        if (sum(final, (st) => st.unacked) === 0 && peaks.last?.pendingFrames === 0) {
          drainSeconds = (performance.now() - quietAt) / 1000;
          break;
        }
        if (performance.now() > drainBy) break;
        await sleep(250);
      }
    }

    const latency = new Histogram();
    for (const st of atQuiet) latency.merge(Histogram.fromJSON(st.ackLatency));
    const closes: Record<string, number> = {};
    for (const st of final) mergeCounts(closes, st.closes);
    const acked = sum(atQuiet, (st) => st.acked);
    const forwarded = server === 'relay' ? acked : (after?.frames ?? 0) - (before?.frames ?? 0);
    const sent = sum(final, (st) => st.sent);
    const stored = server === 'relay' ? storedRows(s, seqStart, seqStart + 10_000_000) : null;

    const live = agents.slice(0, connected);
    const command =
      server === 'relay' && commandCount > 0 ? await commandLatency(s, live, commandCount) : null;
    const signed =
      server === 'relay' && commandCount > 0 ? await signedCommands(s, live, commandCount) : null;

    const result: RunResult = {
      server,
      agents: n,
      run,
      at: new Date().toISOString(),
      load1Before,
      load1After: load1(),
      connected,
      connectFailed: sum(ready, (r) => r.failed),
      connectRetries: sum(ready, (r) => r.retries),
      connectErrors,
      connectSeconds: round(connectSeconds) ?? 0,
      sustainedSeconds: round(sustainedSeconds, 2) ?? 0,
      sentPerSec: Math.round(sum(atQuiet, (st) => st.sent) / sustainedSeconds),
      forwardedPerSec: Math.round(forwarded / sustainedSeconds),
      window: usage(windowUse),
      sustained: usage(sustainedUse),
      backend: backendUse ? usage(backendUse) : null,
      generatorsCpuPercent: round(sum(generatorUse, (f) => f.cpuPercent)) ?? 0,
      ackP50Ms: server === 'relay' ? round(latency.quantile(0.5)) : null,
      ackP99Ms: server === 'relay' ? round(latency.quantile(0.99)) : null,
      ackMaxMs: server === 'relay' ? round(latency.max) : null,
      closes,
      disconnects: sum(Object.values(closes), (v) => v) + sum(ready, (r) => r.failed),
      maxPendingFrames: peaks.pending,
      maxSpoolBytes: peaks.spool,
      maxPacedAgents: peaks.paced,
      drainSeconds: round(drainSeconds, 1),
      sent,
      unackedAfterDrain: sum(final, (st) => st.unacked),
      stored,
      skippedSends: sum(final, (st) => st.skipped),
      maxBufferedBytes: Math.max(0, ...final.map((st) => st.maxBuffered)),
      command,
      signed,
    };
    printRun(result);
    return result;
  } finally {
    for (const g of generators) g.send({ type: 'stop' });
    await Promise.all(generators.map((g) => g.end(10_000)));
    bare?.send({ type: 'stop' });
    await bare?.end(3000);
    if (server === 'relay') {
      // Let the relay see every close and drain its queue before the next run.
      const settleBy = Date.now() + 30_000;
      for (;;) {
        const h = await relayHealth(s);
        if ((h && h.agents === 0 && h.pendingFrames === 0) || Date.now() > settleBy) break;
        await sleep(250);
      }
    }
  }
}

// ---- report ----------------------------------------------------------------

const fmt = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined ? '-' : n.toFixed(digits);
const mark = (ok: boolean) => (ok ? 'met' : 'NOT MET');

function printRun(r: RunResult): void {
  console.log(
    `  ${r.server} run ${r.run}: load ${r.load1Before} → ${r.load1After}; ${r.connected}/${r.agents} connected in ${r.connectSeconds} s; ` +
      `sent ${r.sentPerSec}/s, acked ${r.forwardedPerSec}/s; CPU ${r.window.cpuPercent} % (storm + ${Math.round(r.sustainedSeconds)} s), ` +
      `${r.sustained.cpuPercent} % sustained; RSS ${r.window.rssMaxMiB} MiB; backend ${fmt(r.backend?.cpuPercent)} %; ` +
      `ack p50/p99 ${fmt(r.ackP50Ms)}/${fmt(r.ackP99Ms)} ms; queue peak ${r.maxPendingFrames ?? '-'}, spool peak ${r.maxSpoolBytes ?? '-'} B, ` +
      `paced peak ${r.maxPacedAgents ?? '-'}; disconnects ${r.disconnects} ${JSON.stringify(r.closes)}; ` +
      `drain ${fmt(r.drainSeconds)} s; stored ${r.stored ?? '-'} of ${r.sent} sent (unacked ${r.unackedAfterDrain})`,
  );
}

function spread(xs: number[], digits = 1): string {
  if (xs.length === 0) return '-';
  const sorted = [...xs].sort((a, b) => a - b);
  const med = quantile(sorted, 0.5) ?? 0;
  return `${fmt(sorted[0], digits)} / ${fmt(med, digits)} / ${fmt(sorted.at(-1), digits)}`;
}

function printSummary(): void {
  console.log(
    `\nrelay load: ${runs} run(s) per level, ${seconds} s of 1 metrics frame (${frameSet}, mean ${frameBytes} B) per agent per second after the storm,` +
      ` ${generatorCount} generator processes, ${cpus().length} cores, Node ${process.version}; min / median / max`,
  );
  for (const n of levels) {
    for (const server of ['relay', 'bare'] as const) {
      const rs = results.filter((r) => r.agents === n && r.server === server);
      if (rs.length === 0) continue;
      console.log(
        `\n${n} agents → ${server} (${rs.length} runs, load ${rs.map((r) => r.load1Before).join(', ')})`,
      );
      console.log(
        `  acked/s           ${spread(
          rs.map((r) => r.forwardedPerSec),
          0,
        )}`,
      );
      console.log(`  CPU % storm+run   ${spread(rs.map((r) => r.window.cpuPercent))}`);
      console.log(`  CPU % sustained   ${spread(rs.map((r) => r.sustained.cpuPercent))}`);
      console.log(`  RSS MiB max       ${spread(rs.map((r) => r.window.rssMaxMiB))}`);
      if (server === 'relay') {
        console.log(
          `  queue peak        ${spread(
            rs.map((r) => r.maxPendingFrames ?? 0),
            0,
          )}`,
        );
        console.log(
          `  paced peak        ${spread(
            rs.map((r) => r.maxPacedAgents ?? 0),
            0,
          )}`,
        );
        console.log(
          `  spool peak B      ${spread(
            rs.map((r) => r.maxSpoolBytes ?? 0),
            0,
          )}`,
        );
        console.log(`  drain s           ${spread(rs.map((r) => r.drainSeconds ?? Number.NaN))}`);
        console.log(`  ack p99 ms        ${spread(rs.map((r) => r.ackP99Ms ?? Number.NaN))}`);
      }
      console.log(`  disconnects       ${rs.map((r) => r.disconnects).join(', ')}`);
    }
  }
  printTargets();
}

/** Memory bound of the relay's queue with n agents: 4 x the pacing level (2 per agent, at least 10,000). */
const queueBound = (n: number) => 4 * Math.max(10_000, 2 * n);

function printTargets(): void {
  const relayRuns = (n: number) => results.filter((r) => r.agents === n && r.server === 'relay');
  console.log('\ntargets (every run must meet them):');
  const sustained = relayRuns(TARGET.sustainedAgents);
  if (sustained.length > 0) {
    const ok = sustained.every(
      (r) =>
        r.connected === r.agents &&
        r.disconnects === 0 &&
        r.sentPerSec >= 0.95 * r.agents &&
        r.unackedAfterDrain === 0 &&
        r.stored === r.sent &&
        (r.maxPendingFrames ?? 0) <= queueBound(r.agents),
    );
    // Acks are coalesced (one per agent every 5 s), so acked/s over the window trails what was stored.
    console.log(
      `  ${TARGET.sustainedAgents} agents at 1 frame/s for ${seconds} s, 0 disconnects, queue bounded, all stored: ${mark(ok)}` +
        ` (${sustained.map((r) => `sent ${r.sentPerSec}/s, stored ${r.stored}/${r.sent}, ${r.disconnects} disconnects, queue ${r.maxPendingFrames} <= ${queueBound(r.agents)}`).join('; ')})`,
    );
    const cpuOk = sustained.every((r) => r.sustained.cpuPercent <= TARGET.relayCpuPercent);
    console.log(
      `  relay CPU <= ${TARGET.relayCpuPercent} % of one core at ${TARGET.sustainedAgents}: ${mark(cpuOk)}` +
        ` (sustained ${sustained.map((r) => r.sustained.cpuPercent).join(', ')} %; with the storm ${sustained.map((r) => r.window.cpuPercent).join(', ')} %)`,
    );
  } else console.log(`  ${TARGET.sustainedAgents} agents: not run`);
  const paced = relayRuns(TARGET.pacedAgents);
  if (paced.length > 0) {
    const ok = paced.every(
      (r) =>
        r.connected === r.agents && r.disconnects === 0 && r.unackedAfterDrain === 0 && r.stored === r.sent,
    );
    console.log(
      `  ${TARGET.pacedAgents} agents paced, 0 disconnects, every frame stored once after the load: ${mark(ok)}` +
        ` (${paced.map((r) => `${r.disconnects} disconnects, stored ${r.stored}/${r.sent}, drain ${fmt(r.drainSeconds)} s`).join('; ')})`,
    );
  } else console.log(`  ${TARGET.pacedAgents} agents: not run`);
  const withCommands = results.filter((r) => r.command?.measured || r.signed);
  for (const r of withCommands) {
    const p99 = r.signed?.single.p99Ms ?? null;
    console.log(
      `  signed command p99 <= ${TARGET.commandP99Ms} ms with ${r.agents} agents (run ${r.run}): ${mark(p99 !== null && p99 <= TARGET.commandP99Ms)} (${p99} ms);` +
        ` fan-out to all within ${TARGET.fanoutMs} ms: ${fmt(r.signed?.fanout.allReceivedMs)} ms`,
    );
  }
}

// ---- main ------------------------------------------------------------------

console.log(
  `open-files limit ${openFilesLimit()}; levels ${levels.join(', ')}; ${runs} runs each; frames ${frameSet}, mean ${frameBytes} B; time limit ${Math.round(budgetMs / 1000)} s`,
);
try {
  sys = await startSystem();
  await sys.startRelay({
    // Every simulated agent connects from 127.0.0.1; in a lab each has its own address.
    LABMGR_RELAY_IP_CONNECT_LIMIT: '0',
    LABMGR_RELAY_MAX_PENDING_PER_ADDRESS: '0',
    // The relay's disk spool (if any) in the run's temp dir, not ./data.
    LABMGR_DATA_DIR: sys.dataDir,
  });
  eachLevel: for (const n of levels) {
    await ensureCredentials(sys, n);
    for (let run = 1; run <= runs; run++) {
      try {
        results.push(await runOnce(sys, 'relay', n, run));
        if (values.bare) results.push(await runOnce(sys, 'bare', n, run));
      } catch (err) {
        failure = err;
        console.error(`level ${n} run ${run} failed: ${err instanceof Error ? err.message : String(err)}`);
        if (!sys.relay?.running) console.error(`relay exited:\n${sys.relay?.output.slice(-3000)}`);
        if (!sys.backend.running) console.error(`backend exited:\n${sys.backend.output.slice(-3000)}`);
        break eachLevel;
      }
    }
  }
  if (results.length > 0) {
    printSummary();
    saveRecord();
  }
} finally {
  killForked();
  if (sys?.relay && !sys.relay.running) console.log(sys.relay.output.slice(-2000));
  await sys?.stop();
  clearTimeout(deadline);
}
if (failure) process.exitCode = 1;

/** Appends the run's figures (also those of an interrupted run) to bench/results/relay-load.json once. */
function saveRecord(): void {
  if (saved || results.length === 0) return;
  saved = true;
  const record = {
    bench: 'relay-load',
    version: 2,
    at: new Date().toISOString(),
    cores: cpus().length,
    node: process.version,
    openFilesLimit: openFilesLimit(),
    seconds,
    runs,
    generators: generatorCount,
    frames: frameSet,
    frameBytes,
    framesPerAgentPerSec: 1,
    targets: TARGET,
    incomplete: failure ? String(failure) : null,
    results,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  appendFileSync(join(ROOT, 'bench/results/relay-load.json'), `${JSON.stringify(record)}\n`);
  console.log('\nappended to bench/results/relay-load.json');
}
