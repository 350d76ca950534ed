/**
 * Agent footprint: the real `labmgr-agent run` at a 1 s interval against a
 * real relay and backend, side by side in the same window with collectd at
 * the same 1 s interval (cpu, memory, df, disk, interface, load; once with
 * its csv writer, once with no writer), all measured from outside through
 * /proc the same way: CPU % of one core from the scheduler's nanosecond
 * accounting (/proc/PID/task/*\/schedstat) and from utime+stime+cutime+cstime
 * clock ticks, RSS and RssAnon every 100 ms from spawn (the peak of the first
 * 10 s apart from the steady state's), child processes. Also a bare Node
 * process (the floor) and the agent's collector alone.
 *
 *   npm run build && flock /tmp/labmgr-bench.lock npx tsx bench/agent-footprint.ts
 *     [--runs 3] [--seconds 60] [--warmup 10] [--label TEXT] [--more-peers] [--no-peers]
 *     [--modules] [--plain-node | --agent-node-options="…"]
 *
 * The agent runs as its service definitions start it: `node` with
 * AGENT_NODE_OPTIONS (heap sizing, packages/agent/src/service/node-options.ts),
 * passed here on node's command line as they do; --plain-node runs it as `node bin/labmgr-agent.js`.
 *
 * Every run starts from nothing (backend, relay, agent, peers) and is
 * reported, with the 1-minute load average at the start and end of its
 * window and how busy the whole machine was; then min/median/max over the
 * runs. Installs collectd (`collectd-core`) when missing, and with
 * `--more-peers` prometheus-node-exporter (scraped once a second) and Glances
 * (`-t 1 --quiet`). Only loopback traffic; stops everything it started.
 * Appends one record per run to bench/results/agent-footprint.json.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AGENT_NODE_OPTIONS } from '../packages/agent/src/service/node-options.js';
import { eventually, freePort, type Proc, ROOT, sleep, startSystem } from '../test/harness.js';
import { measureModuleCosts } from './agent-footprint-modules.js';
import {
  COLLECTD_BIN,
  COLLECTD_PACKAGE,
  packageVersion,
  Spawned,
  startCollectd,
} from './agent-footprint-peers.js';
import {
  ensureDebianPackage,
  type Footprint,
  loadAverage1,
  type MemoryPeak,
  MemoryTrace,
  Meter,
  machineJiffies,
} from './agent-footprint-procfs.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    label: { type: 'string', default: '' },
    'no-peers': { type: 'boolean', default: false },
    'more-peers': { type: 'boolean', default: false },
    modules: { type: 'boolean', default: false },
    /**
     * Node options for the agent (on its command line, agent only). By default the ones
     * its service definitions start it with (AGENT_NODE_OPTIONS); --plain-node: none.
     */
    'agent-node-options': { type: 'string' },
    'plain-node': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const warmupSec = Number(values.warmup);
/** "From the first second": the peak over this many seconds after spawn, reported apart. */
const STARTUP_SEC = 10;
const TARGET = { cpuPercent: 0.2, rssMiB: 50, anonMiB: 15 } as const;
const AGENT = 'labmgr-agent';
const COLLECTD_CSV = 'collectd (csv writer)';
const COLLECTD_BARE = 'collectd (no writer)';

interface ProcessResult extends Footprint {
  /** Peak of the first STARTUP_SEC seconds after spawn. */
  startup: MemoryPeak;
  /** Peak during the measurement window. */
  steady: MemoryPeak;
  /** Peak over the process's whole life up to the end of the window. */
  life: MemoryPeak;
}

interface RunResult {
  run: number;
  samples: number;
  usPerSample: number;
  loadAvg1Start: number;
  loadAvg1End: number;
  /** All cores, % of the machine's capacity, over the window. */
  machineBusyPercent: number;
  windowStartSec: number;
  processes: ProcessResult[];
}

const noPeers = values['no-peers'];
const collectdBin = noPeers ? null : ensureDebianPackage(COLLECTD_BIN, COLLECTD_PACKAGE);
const morePeers = values['more-peers'] && !noPeers;
const nodeExporterBin = morePeers
  ? ensureDebianPackage('/usr/bin/prometheus-node-exporter', 'prometheus-node-exporter')
  : null;
const glancesBin = morePeers ? ensureDebianPackage('/usr/bin/glances', 'glances') : null;
const nodeOptions = values['plain-node']
  ? ''
  : (values['agent-node-options'] ?? AGENT_NODE_OPTIONS.join(' '));
const invocation = new Date().toISOString();

console.log(
  `agent footprint: ${runs} run(s) of ${seconds} s after a ${warmupSec} s warm-up, 1 sample/s, ` +
    `${cpus().length} cores, Node ${process.version}` +
    (collectdBin ? `, collectd ${packageVersion(COLLECTD_PACKAGE)}` : '') +
    `, agent node options ${nodeOptions ? `"${nodeOptions}"` : 'none (plain node)'}` +
    (values.label ? ` [${values.label}]` : ''),
);
const results: RunResult[] = [];
for (let run = 1; run <= runs; run++) {
  const r = await measureRun(run);
  results.push(r);
  printRun(r);
  const record = {
    bench: 'agent-footprint',
    at: new Date().toISOString(),
    invocation,
    label: values.label || null,
    run,
    runs,
    seconds,
    warmupSec,
    intervalMs: 1000,
    samples: r.samples,
    usPerSample: Math.round(r.usPerSample),
    loadAvg1Start: r.loadAvg1Start,
    loadAvg1End: r.loadAvg1End,
    machineBusyPercent: round(r.machineBusyPercent, 1),
    windowStartSec: round(r.windowStartSec, 1),
    cores: cpus().length,
    node: process.version,
    collectd: collectdBin ? packageVersion(COLLECTD_PACKAGE) : null,
    agentNodeOptions: nodeOptions || null,
    targets: TARGET,
    verdict: verdict(r),
    processes: r.processes.map((p) => ({
      ...p,
      cpuPercent: round(p.cpuPercent, 3),
      cpuPercentPrecise: round(p.cpuPercentPrecise, 4),
      cpuSeconds: round(p.cpuSeconds, 2),
      rssMeanMiB: round(p.rssMeanMiB, 1),
      rssMaxMiB: round(p.rssMaxMiB, 1),
      anonMeanMiB: round(p.anonMeanMiB, 1),
      anonMaxMiB: round(p.anonMaxMiB, 1),
      startup: roundPeak(p.startup),
      steady: roundPeak(p.steady),
      life: roundPeak(p.life),
    })),
    ...(values.modules && run === runs ? { modules: printModules() } : {}),
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  appendFileSync(join(ROOT, 'bench/results/agent-footprint.json'), `${JSON.stringify(record)}\n`);
}
printSummary(results);

/** One run from nothing: system, agent and peers spawned together, warm-up, window, teardown. */
async function measureRun(run: number): Promise<RunResult> {
  console.log(`\nrun ${run}/${runs}: starting backend, relay, agent and peers…`);
  const sys = await startSystem();
  const peers: Spawned[] = [];
  const traces: MemoryTrace[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'labmgr-footprint-'));
  let agentProc: Proc | undefined;
  try {
    await sys.startRelay();
    const { stateDir, computerId } = await sys.enrollAgent('bench');
    // On node's command line, before the script, as the launchers pass them (V8 flags such as
    // --single-threaded-gc are refused in NODE_OPTIONS).
    const childArgs = process.env.LABMGR_CHILD_NODE_ARGS;
    process.env.LABMGR_CHILD_NODE_ARGS = nodeOptions;
    agentProc = sys.startAgent(stateDir, { LABMGR_AGENT_INTERVAL_MS: '1000' });
    if (childArgs === undefined) delete process.env.LABMGR_CHILD_NODE_ARGS;
    else process.env.LABMGR_CHILD_NODE_ARGS = childArgs;
    const agentPid = agentProc.child.pid ?? 0;
    const agentTrace = new MemoryTrace(agentPid);
    traces.push(agentTrace);
    // The peers start with the agent, so each has the same warm-up and window.
    if (collectdBin) {
      peers.push(startCollectd(COLLECTD_CSV, collectdBin, join(tmp, 'collectd-csv'), 'csv'));
      peers.push(startCollectd(COLLECTD_BARE, collectdBin, join(tmp, 'collectd-bare'), 'none'));
    }
    const exporterPort = await freePort();
    if (nodeExporterBin)
      peers.push(
        new Spawned('node_exporter (scraped 1/s)', nodeExporterBin, [
          `--web.listen-address=127.0.0.1:${exporterPort}`,
        ]),
      );
    // --quiet: no curses screen, but the full update (process list included) every -t seconds.
    if (glancesBin) peers.push(new Spawned('glances -t 1', glancesBin, ['-t', '1', '--quiet']));
    if (!noPeers) {
      peers.push(
        new Spawned('node (bare setInterval 1 s)', process.execPath, ['-e', 'setInterval(()=>{},1000)']),
      );
      // The agent's collector alone, same interval: how much of the agent's cost is collection.
      const collectorUrl = pathToFileURL(
        join(ROOT, 'packages/agent/dist/collectors/create-collector.js'),
      ).href;
      peers.push(
        new Spawned('collector alone (sample/s)', process.execPath, [
          '--input-type=module',
          '-e',
          `const { createCollector } = await import(${JSON.stringify(collectorUrl)});
           const c = await createCollector();
           setInterval(() => { void c.sample(); }, 1000);`,
        ]),
      );
    }
    for (const p of peers) traces.push(new MemoryTrace(p.pid));

    const scrape = async () => {
      if (!nodeExporterBin) return;
      const res = await fetch(`http://127.0.0.1:${exporterPort}/metrics`).catch(() => null);
      await res?.arrayBuffer();
    };
    await eventually(
      async () =>
        (await sys.api.json<{ metrics: unknown }>('GET', `/api/v1/computers/${computerId}`)).metrics,
      30_000,
      'the first sample to reach the backend',
    );
    // Warm-up after the first sample (JIT, first inventory, peers' first readings), and at least
    // past the startup stretch, so the window is steady state.
    const warmEnd = Math.max(warmupSec + agentTrace.ageSec, STARTUP_SEC);
    while (agentTrace.ageSec < warmEnd) {
      await scrape();
      await sleep(Math.min(1000, Math.max(10, (warmEnd - agentTrace.ageSec) * 1000)));
    }
    for (const p of peers)
      if (!p.running) throw new Error(`${p.name} exited during the warm-up (code ${p.child.exitCode})`);

    const names = [AGENT, ...peers.map((p) => p.name)];
    const pids = [agentPid, ...peers.map((p) => p.pid)];
    const meters = names.map((name, i) => new Meter(name, pids[i] ?? 0));
    const windowStartSec = agentTrace.ageSec;
    // Each trace counts from its own process's spawn.
    const windowStarts = traces.map((t) => t.ageSec);
    const windowStartAt = Date.now();
    const loadAvg1Start = loadAverage1();
    const jiffies0 = machineJiffies();
    for (const m of meters) m.start();
    console.log(`  measuring ${seconds} s (load average ${loadAvg1Start.toFixed(2)})…`);
    for (let tick = 0; tick < seconds * 10; tick++) {
      if (tick % 10 === 0) void scrape();
      for (const m of meters) m.poll();
      await sleep(100);
    }
    const footprints = meters.map((m) => m.finish());
    const jiffies1 = machineJiffies();
    const loadAvg1End = loadAverage1();
    const windowEndAt = Date.now();
    for (const t of traces) t.stop();
    const processes = footprints.map((f, i): ProcessResult => {
      const trace = traces[i] as MemoryTrace;
      const end = trace.ageSec;
      return {
        ...f,
        startup: trace.peak(0, STARTUP_SEC),
        steady: trace.peak(windowStarts[i] ?? 0, end),
        life: trace.peak(0, end),
      };
    });
    const samples = await countSamples(sys, computerId, windowStartAt, windowEndAt);
    const agent = processes[0] as ProcessResult;
    return {
      run,
      samples,
      usPerSample:
        samples > 0
          ? (agent.cpuPercentPrecise / 100) * ((windowEndAt - windowStartAt) / samples) * 1000
          : Number.NaN,
      loadAvg1Start,
      loadAvg1End,
      machineBusyPercent:
        ((jiffies1.busy - jiffies0.busy) / Math.max(1, jiffies1.total - jiffies0.total)) * 100,
      windowStartSec,
      processes,
    };
  } finally {
    for (const t of traces) t.stop();
    await Promise.all(peers.map((p) => p.stop()));
    if (agentProc && !agentProc.running && agentProc.output) console.log(agentProc.output.slice(-2000));
    await sys.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Samples the backend stored from the agent during the window: the agent's own count, not the clock's. */
async function countSamples(
  sys: Awaited<ReturnType<typeof startSystem>>,
  computerId: string,
  from: number,
  to: number,
): Promise<number> {
  // Samples taken in the last moments may still be on their way through relay and backend.
  await sleep(2000);
  const q = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
  const series = await sys.api.json<{ points: unknown[] }>(
    'GET',
    `/api/v1/computers/${computerId}/metrics?${q}`,
  );
  return series.points.length;
}

function verdict(r: RunResult) {
  const agent = r.processes[0] as ProcessResult;
  const collectd = r.processes.find((p) => p.name === COLLECTD_CSV);
  return {
    cpuAtMostTarget: agent.cpuPercentPrecise <= TARGET.cpuPercent,
    cpuAtMostCollectd: collectd ? agent.cpuPercentPrecise <= collectd.cpuPercentPrecise : null,
    rssFromFirstSecond: agent.life.rssMaxMiB <= TARGET.rssMiB,
    rssAnon: agent.life.anonMaxMiB <= TARGET.anonMiB,
    noChildren: agent.childrenSeen === 0,
  };
}

function printRun(r: RunResult): void {
  console.log(
    `\nrun ${r.run}: ${seconds} s window from ${r.windowStartSec.toFixed(1)} s after spawn, ${r.samples} samples stored; ` +
      `load average ${r.loadAvg1Start.toFixed(2)} → ${r.loadAvg1End.toFixed(2)}, machine ${r.machineBusyPercent.toFixed(1)} % busy`,
  );
  console.log(
    'process                        CPU % schedstat   (ticks)   steady RSS / Anon MiB   first 10 s RSS / Anon MiB   children',
  );
  for (const p of r.processes)
    console.log(
      `${p.name.padEnd(30)} ${p.cpuPercentPrecise.toFixed(3).padStart(15)} ${p.cpuPercent.toFixed(3).padStart(9)}` +
        `   ${p.steady.rssMaxMiB.toFixed(1).padStart(8)} / ${p.steady.anonMaxMiB.toFixed(1).padStart(5)}      ` +
        `   ${p.startup.rssMaxMiB.toFixed(1).padStart(8)} / ${p.startup.anonMaxMiB.toFixed(1).padStart(5)} (at ${p.startup.rssMaxAtSec.toFixed(1)} s)` +
        `   ${String(p.childrenSeen).padStart(4)}`,
    );
  const v = verdict(r);
  const mark = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'ok' : 'OVER');
  console.log(
    `agent: ${Math.round(r.usPerSample)} µs of CPU per sample; CPU <= ${TARGET.cpuPercent} % ${mark(v.cpuAtMostTarget)}, ` +
      `<= collectd (csv) ${mark(v.cpuAtMostCollectd)}, RSS <= ${TARGET.rssMiB} MiB from the first second ${mark(v.rssFromFirstSecond)}, ` +
      `RssAnon <= ${TARGET.anonMiB} MiB ${mark(v.rssAnon)}, no child process ${mark(v.noChildren)}`,
  );
}

function printSummary(all: RunResult[]): void {
  if (all.length === 0) return;
  const stats = (xs: number[], digits: number) => {
    const s = [...xs].sort((a, b) => a - b);
    const med =
      s.length % 2 ? (s[(s.length - 1) / 2] ?? 0) : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
    return `${(s[0] ?? 0).toFixed(digits)} / ${med.toFixed(digits)} / ${(s[s.length - 1] ?? 0).toFixed(digits)}`;
  };
  console.log(`\nover ${all.length} run(s), min / median / max:`);
  console.log(
    `  load average (1 min, end of window) ${stats(
      all.map((r) => r.loadAvg1End),
      2,
    )}`,
  );
  console.log(
    `  machine busy %                      ${stats(
      all.map((r) => r.machineBusyPercent),
      1,
    )}`,
  );
  const names = all[0]?.processes.map((p) => p.name) ?? [];
  for (const name of names) {
    const ps = all.map((r) => r.processes.find((p) => p.name === name) as ProcessResult);
    console.log(
      `  ${name.padEnd(30)} CPU % ${stats(
        ps.map((p) => p.cpuPercentPrecise),
        3,
      )}` +
        `   steady RSS ${stats(
          ps.map((p) => p.steady.rssMaxMiB),
          1,
        )}` +
        `   first 10 s RSS ${stats(
          ps.map((p) => p.startup.rssMaxMiB),
          1,
        )}` +
        `   RssAnon (life) ${stats(
          ps.map((p) => p.life.anonMaxMiB),
          1,
        )}`,
    );
  }
  console.log(
    `  agent µs per sample                 ${stats(
      all.map((r) => r.usPerSample),
      0,
    )}`,
  );
  const vs = all.map(verdict);
  const count = (f: (v: ReturnType<typeof verdict>) => boolean | null) =>
    `${vs.filter((v) => f(v) === true).length}/${vs.length}`;
  console.log(
    `targets met in: CPU <= ${TARGET.cpuPercent} % ${count((v) => v.cpuAtMostTarget)} runs, ` +
      `CPU <= collectd (csv) ${count((v) => v.cpuAtMostCollectd)}, RSS <= ${TARGET.rssMiB} MiB from the first second ` +
      `${count((v) => v.rssFromFirstSecond)}, RssAnon <= ${TARGET.anonMiB} MiB ${count((v) => v.rssAnon)}, ` +
      `no child process ${count((v) => v.noChildren)}`,
  );
}

function printModules() {
  const modules = measureModuleCosts();
  console.log('\nprivate memory per module (fresh process, after GC):');
  for (const m of modules)
    console.log(
      `  ${m.module.padEnd(34)} RssAnon ${m.anonMiB.toFixed(1).padStart(5)} MiB (+${m.extraAnonMiB.toFixed(1)})` +
        `  heap ${m.heapUsedMiB.toFixed(1).padStart(5)} MiB (+${m.extraHeapMiB.toFixed(1)})`,
    );
  return modules;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function roundPeak(p: MemoryPeak): MemoryPeak {
  return {
    rssMaxMiB: round(p.rssMaxMiB, 1),
    anonMaxMiB: round(p.anonMaxMiB, 1),
    rssMaxAtSec: round(p.rssMaxAtSec, 1),
    readings: p.readings,
  };
}
