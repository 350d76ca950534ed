/**
 * Relay load: simulated agents in separate processes, speaking the real
 * protocol (hello → welcome, one metrics frame per agent per second, pong,
 * acks) against the real relay and backend, at several connection counts;
 * side by side in the same run with a bare `ws` server that only counts
 * frames (the ceiling), driven by the same generators at the same rate.
 *
 *   npx tsc -b packages/relay packages/backend   # or npm run build
 *   npx tsx bench/relay-load.ts [--agents 1000,5000,10000] [--seconds 30] [--warmup 10]
 *     [--generators 4] [--no-bare] [--commands 200] [--connect-concurrency 64]
 *
 * Reports per level: relay CPU % of one core (utime+stime from /proc over the
 * window) and RSS, frames/s forwarded (samples the backend acknowledged, as
 * counted by the generators), backend ingest lag (ack round trip: frame
 * written → ack covering it received; the relay acks only what the backend
 * has committed), the relay's queue, and the p50/p99 latency of a live-mode
 * command from the backend's API call to the simulated agent receiving it.
 * Raises the open-files limit (re-exec under bash), loopback only, bounded in
 * time. Prints a table and appends the figures to bench/results/relay-load.json.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fixtures, PROTOCOL_VERSION } from '@labmgr/protocol';
import { ROOT, type System, sleep, startSystem } from '../test/harness.js';
import { type Footprint, Meter } from './agent-footprint-procfs.js';
import {
  type BareCommand,
  type BareReport,
  type GeneratorCommand,
  type GeneratorReport,
  type GeneratorStats,
  Histogram,
  preciseNow,
  type SimAgent,
} from './relay-load-ipc.js';
import { ensureOpenFiles, Forked, killForked, openFilesLimit } from './relay-load-procs.js';
import { enrollSimAgents } from './sim-agents.js';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '1000,5000,10000' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '10' },
    generators: { type: 'string', default: '4' },
    'no-bare': { type: 'boolean', default: false },
    /** Sequential live-mode calls per level (0: none). */
    commands: { type: 'string', default: '200' },
    /** Upgrades in flight at once, over all generators (the relay checks 64 credentials at a time). */
    'connect-concurrency': { type: 'string', default: '64' },
  },
});
const levels = values.agents
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0)
  .sort((a, b) => a - b);
const seconds = Number(values.seconds);
const warmupSec = Number(values.warmup);
const generatorCount = Math.max(1, Number(values.generators));
const commandCount = Number(values.commands);
const connectConcurrency = Math.max(generatorCount, Number(values['connect-concurrency']));
const withBare = !values['no-bare'];
const maxAgents = Math.max(0, ...levels);
if (levels.length === 0 || !(seconds > 0) || !(warmupSec >= 0)) {
  console.error('usage: relay-load.ts --agents 1000,5000 --seconds 30 --warmup 10');
  process.exit(2);
}

// Every process holds one descriptor per connection (the relay also its backend sockets).
ensureOpenFiles(maxAgents + 2048);

const TARGET = {
  agents: 10_000,
  relayCpuPercent: 60,
  cpuRatioToBare: 2.5,
  commandP99Ms: 25,
  fanoutMs: 2000,
} as const;
const GENERATOR = join(ROOT, 'bench/relay-load-generator.ts');
const BARE = join(ROOT, 'bench/relay-load-bare-server.ts');

// A realistic sample: the protocol's fixture, `at` rewritten per frame.
const sampleJson = JSON.stringify(fixtures.sample(0));
const AT_PREFIX = '{"at":0';
if (!sampleJson.startsWith(AT_PREFIX)) throw new Error('fixtures.sample() no longer starts with `at`');
const sampleTail = sampleJson.slice(AT_PREFIX.length);
const frameBytes = Buffer.byteLength(
  `{"type":"metrics","seq":${20_000_001},"dropped":0,"sample":{"at":${Date.now()}${sampleTail}}`,
);

type Generator = Forked<GeneratorCommand, GeneratorReport>;

interface Usage {
  cpuPercent: number;
  rssMeanMiB: number;
  rssMaxMiB: number;
}

interface CommandResult {
  measured: boolean;
  /** Why not, when not measured. */
  note: string | null;
  calls: number;
  received: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** The API call's own response time, p50. */
  httpP50Ms: number | null;
  failures: Record<string, number>;
}

interface PhaseResult {
  server: 'relay' | 'bare';
  agents: number;
  connected: number;
  connectFailed: number;
  connectRetries: number;
  connectErrors: Record<string, number>;
  connectSeconds: number;
  windowSeconds: number;
  sentPerSec: number;
  /** relay: samples acked by the backend per second; bare: frames counted by the server per second. */
  forwardedPerSec: number;
  /** The relay or bare server process. */
  usage: Usage;
  backend: Usage | null;
  generatorsCpuPercent: number;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  ackMaxMs: number | null;
  unackedAtEnd: number;
  openAtEnd: number;
  closes: Record<string, number>;
  skippedSends: number;
  maxBufferedBytes: number;
  /** Largest relay queue seen (frames waiting for the backend, /healthz pendingFrames). */
  maxPendingFrames: number | null;
  command: CommandResult | null;
  signed: SignedResult | null;
}

// ---- bounded in time -------------------------------------------------------

const connectTimeoutMs = (n: number) => Math.max(60_000, n * 12);
const budgetMs =
  120_000 +
  maxAgents * 10 + // enrollment
  levels.reduce(
    (sum, n) =>
      sum +
      (withBare ? 2 : 1) * (connectTimeoutMs(n) + (warmupSec + seconds) * 1000 + 60_000) +
      commandCount * 2500,
    0,
  );
let sys: System | undefined;
let failure: unknown;
const rows: Array<{ relay: PhaseResult; bare: PhaseResult | null }> = [];
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

const round = (n: number | null, digits = 1): number | null =>
  n === null || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits;

function usage(f: Footprint): Usage {
  return {
    cpuPercent: round(f.cpuPercent, 2) ?? 0,
    rssMeanMiB: round(f.rssMeanMiB) ?? 0,
    rssMaxMiB: round(f.rssMaxMiB) ?? 0,
  };
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? null;
}

function sum<T>(xs: T[], f: (x: T) => number): number {
  return xs.reduce((a, x) => a + f(x), 0);
}

function mergeCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

async function relayHealth(s: System): Promise<{ agents: number; pendingFrames: number } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${s.relayPort}/healthz`, { signal: AbortSignal.timeout(2000) });
    return (await res.json()) as { agents: number; pendingFrames: number };
  } catch {
    return null;
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

// ---- one phase: N agents against the relay or the bare server --------------

let phaseCounter = 0;

async function runPhase(s: System, server: 'relay' | 'bare', n: number): Promise<PhaseResult> {
  phaseCounter += 1;
  const agents = pool.slice(0, n);
  let bare: Forked<BareCommand, BareReport> | undefined;
  const generators: Generator[] = [];
  try {
    let url = s.relayUrl;
    let serverPid = s.relay?.child.pid ?? 0;
    if (server === 'bare') {
      bare = new Forked<BareCommand, BareReport>('bare ws server', BARE);
      const { port } = await bare.next('listening', 20_000);
      url = `ws://127.0.0.1:${port}/agent`;
      serverPid = bare.pid;
    }
    console.log(`\n[${n} agents → ${server}] connecting (${generatorCount} generator processes)…`);
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
        seqStart: phaseCounter * 10_000_000 + 1,
        sampleTail,
        protocolVersion: PROTOCOL_VERSION,
        connectConcurrency: Math.max(1, Math.floor(connectConcurrency / generatorCount)),
        connectTimeoutMs: connectTimeoutMs(n),
      });
    }
    const ready = await Promise.all(generators.map((g) => g.next('ready', connectTimeoutMs(n) + 40_000)));
    const connectSeconds = (performance.now() - t0) / 1000;
    const connected = sum(ready, (r) => r.connected);
    const connectErrors: Record<string, number> = {};
    for (const r of ready) mergeCounts(connectErrors, r.errors);
    console.log(
      `  ${connected}/${n} connected in ${connectSeconds.toFixed(1)} s` +
        (Object.keys(connectErrors).length ? ` (retried: ${JSON.stringify(connectErrors)})` : ''),
    );

    for (const g of generators) g.send({ type: 'run' });
    console.log(`  warming up ${warmupSec} s at 1 frame/agent/s…`);
    await sleep(warmupSec * 1000);

    const meters = {
      server: new Meter(server, serverPid, false),
      backend: server === 'relay' ? new Meter('backend', s.backend.child.pid ?? 0, false) : null,
      generators: generators.map((g) => new Meter(g.name, g.pid, false)),
    };
    const all = [meters.server, ...(meters.backend ? [meters.backend] : []), ...meters.generators];
    const countBefore = bare ? bare.next('count', 5000) : null;
    bare?.send({ type: 'count' });
    const before = await countBefore;
    for (const g of generators) g.send({ type: 'window-start' });
    for (const m of all) m.start();
    const w0 = performance.now();
    console.log(`  measuring ${seconds} s…`);
    let maxPending: number | null = null;
    for (let tick = 0; tick < seconds; tick++) {
      for (const m of all) m.poll(true);
      if (server === 'relay') {
        const h = await relayHealth(s);
        if (h) maxPending = Math.max(maxPending ?? 0, h.pendingFrames);
      }
      await sleep(Math.max(0, w0 + (tick + 1) * 1000 - performance.now()));
    }
    const statsP = Promise.all(generators.map((g) => g.next('stats', 10_000)));
    const countAfter = bare ? bare.next('count', 5000) : null;
    for (const g of generators) g.send({ type: 'window-end' });
    bare?.send({ type: 'count' });
    const windowSeconds = (performance.now() - w0) / 1000;
    const serverUse = meters.server.finish();
    const backendUse = meters.backend?.finish() ?? null;
    const generatorUse = meters.generators.map((m) => m.finish());
    const stats: GeneratorStats[] = (await statsP).map((r) => r.stats);
    const after = await countAfter;

    const latency = new Histogram();
    for (const st of stats) latency.merge(Histogram.fromJSON(st.ackLatency));
    const closes: Record<string, number> = {};
    for (const st of stats) mergeCounts(closes, st.closes);
    const acked = sum(stats, (st) => st.acked);
    const forwarded = server === 'relay' ? acked : (after?.frames ?? 0) - (before?.frames ?? 0);

    const command =
      server === 'relay' && commandCount > 0 ? await commandLatency(s, agents.slice(0, connected)) : null;
    const signed =
      server === 'relay' && commandCount > 0 ? await signedCommands(s, agents.slice(0, connected)) : null;
    if (signed) {
      const { single, fanout } = signed;
      console.log(
        `  signed commands: single p50/p99 ${fmt(single.p50Ms, 2)}/${fmt(single.p99Ms, 2)} ms (${single.received}/${single.calls}); ` +
          `fan-out to ${fanout.agents}: ${fanout.received} received, the last ${fmt(fanout.allReceivedMs)} ms after the call ` +
          `(API answered in ${fmt(fanout.apiMs)} ms; every run started per the API after ${fmt(fanout.allStartedMs)} ms)`,
      );
    }

    return {
      server,
      agents: n,
      connected,
      connectFailed: sum(ready, (r) => r.failed),
      connectRetries: sum(ready, (r) => r.retries),
      connectErrors,
      connectSeconds: round(connectSeconds) ?? 0,
      windowSeconds: round(windowSeconds, 2) ?? 0,
      sentPerSec: Math.round(sum(stats, (st) => st.sent) / windowSeconds),
      forwardedPerSec: Math.round(forwarded / windowSeconds),
      usage: usage(serverUse),
      backend: backendUse ? usage(backendUse) : null,
      generatorsCpuPercent:
        round(
          sum(generatorUse, (f) => f.cpuPercent),
          1,
        ) ?? 0,
      ackP50Ms: server === 'relay' ? round(latency.quantile(0.5)) : null,
      ackP99Ms: server === 'relay' ? round(latency.quantile(0.99)) : null,
      ackMaxMs: server === 'relay' ? round(latency.max) : null,
      unackedAtEnd: sum(stats, (st) => st.unacked),
      openAtEnd: sum(stats, (st) => st.open),
      closes,
      skippedSends: sum(stats, (st) => st.skipped),
      maxBufferedBytes: Math.max(0, ...stats.map((st) => st.maxBuffered)),
      maxPendingFrames: maxPending,
      command,
      signed,
    };
  } finally {
    for (const g of generators) g.send({ type: 'stop' });
    await Promise.all(generators.map((g) => g.end(10_000)));
    bare?.send({ type: 'stop' });
    await bare?.end(3000);
    if (server === 'relay') {
      // Let the relay see every close and drain its queue before the next phase.
      const settleBy = Date.now() + 30_000;
      for (;;) {
        const h = await relayHealth(s);
        if ((h && h.agents === 0 && h.pendingFrames === 0) || Date.now() > settleBy) break;
        await sleep(250);
      }
    }
  }
}

// ---- command latency: backend API → simulated agent --------------------------

const liveModeWaiters = new Map<string, (at: number) => void>();
/** Signed commands seen by the simulated agents, by computer: when each arrived. */
const commandArrivals = new Map<string, number>();
let onCommandArrival: (() => void) | undefined;
function onGeneratorReport(r: GeneratorReport): void {
  if (r.type === 'command') {
    commandArrivals.set(r.computerId, r.at);
    onCommandArrival?.();
    return;
  }
  if (r.type !== 'live-mode') return;
  const waiter = liveModeWaiters.get(r.computerId);
  if (waiter) {
    liveModeWaiters.delete(r.computerId);
    waiter(r.at);
  }
}

/** Resolves once `done()` holds after an arrival, or false after `timeoutMs`. */
function arrivals(done: () => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (done()) return resolve(true);
    const timer = setTimeout(() => {
      onCommandArrival = undefined;
      resolve(false);
    }, timeoutMs);
    onCommandArrival = () => {
      if (!done()) return;
      clearTimeout(timer);
      onCommandArrival = undefined;
      resolve(true);
    };
  });
}

interface SignedResult {
  /** Sequential one-computer commands: API call → the agent receiving the signed frame. */
  single: {
    calls: number;
    received: number;
    p50Ms: number | null;
    p99Ms: number | null;
    maxMs: number | null;
  };
  /** One command to every connected agent: API call → the last agent receiving it. */
  fanout: {
    agents: number;
    received: number;
    allReceivedMs: number | null;
    apiMs: number | null;
    allStartedMs: number | null;
  };
}

/**
 * Signed commands through the real path (POST /api/v1/commands: sign per
 * computer, one control call per relay) to the simulated agents, which answer
 * started/succeeded at once: the latency of single commands, then one command
 * to every connected agent, timed to the last agent's receipt and to the
 * backend showing every run started.
 */
async function signedCommands(s: System, agents: SimAgent[]): Promise<SignedResult> {
  const body = (ids: string[]) => ({ targets: { computerIds: ids }, kind: 'exec', argv: ['/bin/true'] });
  const post = (ids: string[]) =>
    fetch(`${s.backendUrl}/api/v1/commands`, {
      method: 'POST',
      headers: { cookie: s.api.cookieHeader, 'content-type': 'application/json' },
      body: JSON.stringify(body(ids)),
      signal: AbortSignal.timeout(30_000),
    });
  console.log(
    `  signed commands: ${commandCount} sequential one-computer commands, then one to all ${agents.length}…`,
  );
  const latencies: number[] = [];
  let calls = 0;
  for (let i = 0; i < commandCount; i++) {
    const agent = agents[Math.floor(Math.random() * agents.length)] as SimAgent;
    commandArrivals.delete(agent.computerId);
    const t0 = preciseNow();
    calls += 1;
    const res = await post([agent.computerId]);
    await res.arrayBuffer();
    if (!res.ok) continue;
    if (await arrivals(() => commandArrivals.has(agent.computerId), 2000))
      latencies.push((commandArrivals.get(agent.computerId) ?? t0) - t0);
  }
  latencies.sort((a, b) => a - b);
  await sleep(500);
  commandArrivals.clear();
  const ids = agents.map((a) => a.computerId);
  const t0 = preciseNow();
  const res = await post(ids);
  const apiMs = preciseNow() - t0;
  const job = res.ok ? ((await res.json()) as { id: string }) : null;
  const all = await arrivals(() => ids.every((id) => commandArrivals.has(id)), 30_000);
  const received = ids.filter((id) => commandArrivals.has(id)).length;
  const last = Math.max(...ids.map((id) => commandArrivals.get(id) ?? 0));
  let allStartedMs: number | null = null;
  if (job) {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const j = (await s.api.json(`GET`, `/api/v1/commands/${job.id}`)) as { counts: Record<string, number> };
      const open = (j.counts.pending ?? 0) + (j.counts.queued ?? 0) + (j.counts.sent ?? 0);
      if (open === 0) {
        allStartedMs = preciseNow() - t0;
        break;
      }
      await sleep(50);
    }
  }
  return {
    single: {
      calls,
      received: latencies.length,
      p50Ms: round(quantile(latencies, 0.5), 2),
      p99Ms: round(quantile(latencies, 0.99), 2),
      maxMs: round(latencies.at(-1) ?? null, 2),
    },
    fanout: {
      agents: ids.length,
      received,
      allReceivedMs: all ? round(last - t0, 1) : null,
      apiMs: round(apiMs, 1),
      allStartedMs: round(allStartedMs, 1),
    },
  };
}

/** Whether the backend's source has the live-mode route at all (another change adds it). */
function backendHasLiveModeRoute(): boolean {
  const dir = join(ROOT, 'packages/backend/src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  return files.some((f) => /live-mode/.test(readFileSync(join(dir, f), 'utf8')));
}

async function commandLatency(s: System, agents: SimAgent[]): Promise<CommandResult> {
  const result: CommandResult = {
    measured: false,
    note: null,
    calls: 0,
    received: 0,
    p50Ms: null,
    p99Ms: null,
    maxMs: null,
    httpP50Ms: null,
    failures: {},
  };
  const path = (id: string) => `/api/v1/computers/${id}/live-mode`;
  const body = { intervalMs: 1000, ttlSec: 10 };
  const first = agents[0];
  if (!first) return { ...result, note: 'not measured: no agent connected' };
  // The running backend decides: a 404 "no route" means the route is not there (yet).
  const probe = await s.api.request('POST', path(first.computerId), body);
  const probeText = await probe.text();
  if (probe.status === 404 && probeText.includes('no route for')) {
    const inSource = backendHasLiveModeRoute();
    const note = `not measured: route missing (POST /api/v1/computers/{id}/live-mode answered 404 "no route"${
      inSource ? '; the source mentions live-mode: rebuild the backend (npx tsc -b packages/backend)' : ''
    })`;
    console.log(`  command latency ${note}`);
    return { ...result, note };
  }
  await sleep(300); // the probe's frame, if any, arrives and is discarded
  liveModeWaiters.clear();
  console.log(`  command latency: ${commandCount} sequential live-mode calls to random agents…`);
  const latencies: number[] = [];
  const http: number[] = [];
  let failedInARow = 0;
  for (let i = 0; i < commandCount; i++) {
    const agent = agents[Math.floor(Math.random() * agents.length)] as SimAgent;
    const arrived = new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        liveModeWaiters.delete(agent.computerId);
        resolve(null);
      }, 2000);
      liveModeWaiters.set(agent.computerId, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
    const t0 = preciseNow();
    result.calls += 1;
    let ok = false;
    try {
      const res = await fetch(`${s.backendUrl}${path(agent.computerId)}`, {
        method: 'POST',
        headers: { cookie: s.api.cookieHeader, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(3000),
      });
      http.push(preciseNow() - t0);
      await res.arrayBuffer();
      ok = res.ok;
      if (!ok) result.failures[`http ${res.status}`] = (result.failures[`http ${res.status}`] ?? 0) + 1;
    } catch (err) {
      const why = err instanceof Error ? err.name : String(err);
      result.failures[why] = (result.failures[why] ?? 0) + 1;
    }
    // A refused call sends nothing: do not wait for a frame.
    const at = ok ? await arrived : null;
    liveModeWaiters.delete(agent.computerId);
    if (at === null) {
      if (ok) result.failures['no frame within 2 s'] = (result.failures['no frame within 2 s'] ?? 0) + 1;
      failedInARow += 1;
      if (failedInARow >= 10) {
        console.log(
          `  command latency: 10 calls in a row failed (${JSON.stringify(result.failures)}); stopping`,
        );
        break;
      }
      continue;
    }
    failedInARow = 0;
    latencies.push(at - t0);
  }
  latencies.sort((a, b) => a - b);
  http.sort((a, b) => a - b);
  result.received = latencies.length;
  result.measured = latencies.length > 0;
  if (!result.measured) result.note = `not measured: no live-mode frame reached an agent (${probe.status})`;
  result.p50Ms = round(quantile(latencies, 0.5), 2);
  result.p99Ms = round(quantile(latencies, 0.99), 2);
  result.maxMs = round(latencies.at(-1) ?? null, 2);
  result.httpP50Ms = round(quantile(http, 0.5), 2);
  return result;
}

// ---- report ----------------------------------------------------------------

const fmt = (n: number | null, digits = 1) => (n === null ? '-' : n.toFixed(digits));
const mark = (ok: boolean) => (ok ? 'ok' : 'NOT MET');

function printTable(rows: Array<{ relay: PhaseResult; bare: PhaseResult | null }>): void {
  console.log(
    `\nrelay load: ${seconds} s windows after ${warmupSec} s warm-up, 1 metrics frame (${frameBytes} B) per agent per second,` +
      ` ${generatorCount} generator processes, ${cpus().length} cores, Node ${process.version}`,
  );
  printRows(rows);
  printTargets(rows);
}

function printRows(rows: Array<{ relay: PhaseResult; bare: PhaseResult | null }>): void {
  console.log(
    '\n' +
      'agents  server  connected  sent/s  fwd/s  CPU % 1 core  RSS MiB max  backend CPU %  gen CPU %  ingest lag p50/p99 ms  relay queue max  command p50/p99 ms',
  );
  for (const { relay, bare } of rows) {
    for (const r of [relay, bare]) {
      if (!r) continue;
      console.log(
        `${String(r.agents).padStart(6)}  ${r.server.padEnd(6)}  ${String(r.connected).padStart(9)}` +
          `  ${String(r.sentPerSec).padStart(6)}  ${String(r.forwardedPerSec).padStart(5)}` +
          `  ${r.usage.cpuPercent.toFixed(1).padStart(12)}  ${r.usage.rssMaxMiB.toFixed(1).padStart(11)}` +
          `  ${fmt(r.backend?.cpuPercent ?? null).padStart(13)}  ${r.generatorsCpuPercent.toFixed(1).padStart(9)}` +
          `  ${`${fmt(r.ackP50Ms)}/${fmt(r.ackP99Ms)}`.padStart(21)}  ${String(r.maxPendingFrames ?? '-').padStart(15)}` +
          `  ${r.command ? (r.command.measured ? `${fmt(r.command.p50Ms, 2)}/${fmt(r.command.p99Ms, 2)}` : 'not measured') : '-'}`,
      );
    }
    if (bare && bare.usage.cpuPercent > 0)
      console.log(
        `        relay / bare: CPU ${(relay.usage.cpuPercent / bare.usage.cpuPercent).toFixed(2)}x, RSS ${(relay.usage.rssMaxMiB / bare.usage.rssMaxMiB).toFixed(2)}x`,
      );
    const troubles = [relay, bare].flatMap((r) =>
      r && (r.connectFailed > 0 || Object.keys(r.closes).length > 0 || r.skippedSends > 0)
        ? [
            `${r.server}: ${r.connectFailed} connects failed, closes ${JSON.stringify(r.closes)}, ${r.skippedSends} sends skipped (socket closed)`,
          ]
        : [],
    );
    for (const t of troubles) console.log(`        ${t}`);
  }
}

function printTargets(rows: Array<{ relay: PhaseResult; bare: PhaseResult | null }>): void {
  const at = (n: number) => rows.find((r) => r.relay.agents === n);
  const top = at(TARGET.agents);
  console.log('\ntargets:');
  if (top) {
    const r = top.relay;
    const all = r.connected === r.agents && r.forwardedPerSec >= 0.95 * r.agents;
    console.log(
      `  ${TARGET.agents} agents at 1 frame/s through one relay: ${mark(all)} (${r.connected} connected, ${r.forwardedPerSec} acked/s)`,
    );
    console.log(
      `  relay CPU <= ${TARGET.relayCpuPercent} % of one core: ${mark(r.usage.cpuPercent <= TARGET.relayCpuPercent)} (${r.usage.cpuPercent.toFixed(1)} %)`,
    );
    if (top.bare) {
      const ratio = r.usage.cpuPercent / top.bare.usage.cpuPercent;
      console.log(
        `  relay CPU <= ${TARGET.cpuRatioToBare}x the bare server's: ${mark(ratio <= TARGET.cpuRatioToBare)} (${ratio.toFixed(2)}x)`,
      );
    }
  } else console.log(`  ${TARGET.agents}-agent targets: not run at that level`);
  const thousand = at(1000)?.relay.command;
  if (thousand?.measured && thousand.p99Ms !== null)
    console.log(
      `  command p99 <= ${TARGET.commandP99Ms} ms with 1000 agents: ${mark(thousand.p99Ms <= TARGET.commandP99Ms)} (${thousand.p99Ms} ms)`,
    );
  else console.log(`  command p99 with 1000 agents: ${thousand?.note ?? 'not run at that level'}`);
  const signed = at(1000)?.relay.signed;
  if (signed) {
    const p99 = signed.single.p99Ms;
    console.log(
      `  signed command p99 <= ${TARGET.commandP99Ms} ms with 1000 agents (API → agent): ${mark(p99 !== null && p99 <= TARGET.commandP99Ms)} (${p99} ms)`,
    );
    const all = signed.fanout.allReceivedMs;
    console.log(
      `  one command to 1000 agents, every agent has it within ${TARGET.fanoutMs} ms: ${mark(all !== null && all <= TARGET.fanoutMs)} (${all} ms, ${signed.fanout.received}/${signed.fanout.agents})`,
    );
  } else console.log('  signed commands and fan-out with 1000 agents: not run at that level');
}

// ---- main ------------------------------------------------------------------

console.log(
  `open-files limit ${openFilesLimit()}; levels ${levels.join(', ')}; frame ${frameBytes} B; time limit ${Math.round(budgetMs / 1000)} s`,
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
  for (const n of levels) {
    try {
      await ensureCredentials(sys, n);
      const relay = await runPhase(sys, 'relay', n);
      rows.push({ relay, bare: null });
      const bare = withBare ? await runPhase(sys, 'bare', n) : null;
      rows[rows.length - 1] = { relay, bare };
      printRows([{ relay, bare }]);
    } catch (err) {
      failure = err;
      console.error(`level ${n} failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!sys.relay?.running) console.error(`relay exited:\n${sys.relay?.output.slice(-3000)}`);
      if (!sys.backend.running) console.error(`backend exited:\n${sys.backend.output.slice(-3000)}`);
      break;
    }
  }
  if (rows.length > 0) {
    printTable(rows);
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
  if (saved || rows.length === 0) return;
  saved = true;
  const record = {
    bench: 'relay-load',
    at: new Date().toISOString(),
    cores: cpus().length,
    node: process.version,
    openFilesLimit: openFilesLimit(),
    seconds,
    warmupSec,
    generators: generatorCount,
    frameBytes,
    framesPerAgentPerSec: 1,
    targets: TARGET,
    incomplete: failure ? String(failure) : null,
    levels: rows.map(({ relay, bare }) => ({
      agents: relay.agents,
      relay,
      bare,
      relayToBareCpu:
        bare && bare.usage.cpuPercent > 0 ? round(relay.usage.cpuPercent / bare.usage.cpuPercent, 2) : null,
    })),
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  appendFileSync(join(ROOT, 'bench/results/relay-load.json'), `${JSON.stringify(record)}\n`);
  console.log('\nappended to bench/results/relay-load.json');
}
