/**
 * Agent footprint: the real `labmgr-agent run` at a 1 s interval against a
 * real relay and backend, measured from outside through /proc (CPU % of one
 * core from utime+stime+cutime+cstime, RSS and RssAnon from status, child
 * processes), side by side in the same run with what a lab admin would
 * otherwise install: prometheus-node-exporter scraped once a second, and
 * Glances refreshing every second; plus a bare Node process as the floor.
 *
 *   npm run build && npx tsx bench/agent-footprint.ts [--seconds 60] [--warmup 10]
 *     [--no-peers] [--agent-node-options="--max-semi-space-size=1"]
 *
 * Installs the peers' Debian packages when missing (apt-get). Only loopback
 * traffic; stops everything it started. Prints a table and appends the
 * figures to bench/results/agent-footprint.json.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { eventually, freePort, type Proc, ROOT, sleep, startSystem } from '../test/harness.js';
import { measureModuleCosts } from './agent-footprint-modules.js';
import { ensureDebianPackage, type Footprint, Meter } from './agent-footprint-procfs.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    'no-peers': { type: 'boolean', default: false },
    /** e.g. "--max-semi-space-size=1": V8 settings to try on the agent (NODE_OPTIONS, agent only). */
    'agent-node-options': { type: 'string', default: '' },
  },
});
const seconds = Number(values.seconds);
const warmupSec = Number(values.warmup);
const TARGET = { cpuPercent: 0.2, rssMiB: 50, anonMiB: 15 } as const;

/** A peer the benchmark starts (the harness's Proc runs Node scripts only). */
class Spawned {
  readonly child: ChildProcess;
  constructor(
    readonly name: string,
    command: string,
    args: string[],
  ) {
    // No terminal and output discarded: each peer runs as it would as a service.
    this.child = spawn(command, args, { stdio: 'ignore' });
  }
  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.child.pid;
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

const nodeExporterBin = values['no-peers']
  ? null
  : ensureDebianPackage('/usr/bin/prometheus-node-exporter', 'prometheus-node-exporter');
const glancesBin = values['no-peers'] ? null : ensureDebianPackage('/usr/bin/glances', 'glances');

const sys = await startSystem();
const peers: Spawned[] = [];
let agentProc: Proc | undefined;
try {
  await sys.startRelay();
  const { stateDir, computerId } = await sys.enrollAgent('bench');
  const nodeOptions = values['agent-node-options'];
  agentProc = sys.startAgent(stateDir, {
    LABMGR_AGENT_INTERVAL_MS: '1000',
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
  });
  await eventually(
    async () => (await sys.api.json<{ metrics: unknown }>('GET', `/api/v1/computers/${computerId}`)).metrics,
    30_000,
    'the first sample to reach the backend',
  );

  const exporterPort = await freePort();
  if (nodeExporterBin)
    peers.push(
      new Spawned('node_exporter (scraped 1/s)', nodeExporterBin, [
        `--web.listen-address=127.0.0.1:${exporterPort}`,
      ]),
    );
  // --quiet: no curses screen, but the full update (process list included) every -t seconds.
  if (glancesBin) peers.push(new Spawned('glances -t 1', glancesBin, ['-t', '1', '--quiet']));
  peers.push(
    new Spawned('node (bare setInterval 1 s)', process.execPath, ['-e', 'setInterval(()=>{},1000)']),
  );
  // The agent's collector alone, same interval: how much of the agent's cost is collection.
  const collectorUrl = pathToFileURL(join(ROOT, 'packages/agent/dist/collectors/create-collector.js')).href;
  peers.push(
    new Spawned('collector alone (sample/s)', process.execPath, [
      '--input-type=module',
      '-e',
      `const { createCollector } = await import(${JSON.stringify(collectorUrl)});
       const c = await createCollector();
       setInterval(() => { void c.sample(); }, 1000);`,
    ]),
  );

  const scrape = async () => {
    if (!nodeExporterBin) return;
    const res = await fetch(`http://127.0.0.1:${exporterPort}/metrics`).catch(() => null);
    await res?.arrayBuffer();
  };
  if (nodeOptions) console.log(`agent runs with NODE_OPTIONS=${nodeOptions}`);
  console.log(`warming up ${warmupSec} s (JIT, first inventory, peers' first readings)…`);
  for (let i = 0; i < warmupSec; i++) {
    await scrape();
    await sleep(1000);
  }

  const agentPid = agentProc.child.pid ?? 0;
  const meters = [new Meter('labmgr-agent', agentPid), ...peers.map((p) => new Meter(p.name, p.pid))];
  const windowStart = Date.now();
  for (const m of meters) m.start();
  console.log(`measuring ${seconds} s…`);
  // Poll children every 100 ms (a short-lived child could otherwise slip through), memory each second.
  for (let tick = 0; tick < seconds * 10; tick++) {
    if (tick % 10 === 0) void scrape();
    for (const m of meters) m.poll(tick % 10 === 0);
    await sleep(100);
  }
  const results = meters.map((m) => m.finish());
  const windowEnd = Date.now();
  const samples = await countSamples(computerId, windowStart, windowEnd);
  const agent = results[0] as Footprint;
  const usPerSample = samples > 0 ? (agent.cpuSeconds * 1e6) / samples : Number.NaN;

  printTable(results, agent, usPerSample, samples);
  const modules = measureModuleCosts();
  console.log('\nprivate memory per module (fresh process, after GC):');
  for (const m of modules)
    console.log(
      `  ${m.module.padEnd(34)} RssAnon ${m.anonMiB.toFixed(1).padStart(5)} MiB (+${m.extraAnonMiB.toFixed(1)})` +
        `  heap ${m.heapUsedMiB.toFixed(1).padStart(5)} MiB (+${m.extraHeapMiB.toFixed(1)})`,
    );

  const record = {
    bench: 'agent-footprint',
    at: new Date().toISOString(),
    seconds,
    intervalMs: 1000,
    samples,
    usPerSample: Math.round(usPerSample),
    cores: cpus().length,
    node: process.version,
    agentNodeOptions: nodeOptions || null,
    targets: TARGET,
    processes: results.map((r) => ({
      ...r,
      cpuPercent: round(r.cpuPercent, 3),
      cpuPercentPrecise: round(r.cpuPercentPrecise, 4),
      cpuSeconds: round(r.cpuSeconds, 2),
      rssMeanMiB: round(r.rssMeanMiB, 1),
      rssMaxMiB: round(r.rssMaxMiB, 1),
      anonMeanMiB: round(r.anonMeanMiB, 1),
      anonMaxMiB: round(r.anonMaxMiB, 1),
    })),
    modules,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  appendFileSync(join(ROOT, 'bench/results/agent-footprint.json'), `${JSON.stringify(record)}\n`);
} finally {
  await Promise.all(peers.map((p) => p.stop()));
  if (agentProc && !agentProc.running && agentProc.output) console.log(agentProc.output.slice(-2000));
  await sys.stop();
}

/** Samples the backend stored from the agent during the window: the agent's own count, not the clock's. */
async function countSamples(computerId: string, from: number, to: number): Promise<number> {
  // Samples taken in the last moments may still be on their way through relay and backend.
  await sleep(2000);
  const q = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
  const series = await sys.api.json<{ points: unknown[] }>(
    'GET',
    `/api/v1/computers/${computerId}/metrics?${q}`,
  );
  return series.points.length;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function printTable(results: Footprint[], agent: Footprint, usPerSample: number, samples: number): void {
  const mark = (ok: boolean) => (ok ? 'ok' : 'OVER');
  console.log(
    `\nagent footprint, ${seconds} s at 1 sample/s (${samples} samples stored), ${cpus().length} cores, Node ${process.version}\n`,
  );
  console.log(
    'process                          CPU % of 1 core   (schedstat)   RSS MiB (max)   RssAnon MiB (max)   children',
  );
  for (const r of results)
    console.log(
      `${r.name.padEnd(32)} ${r.cpuPercent.toFixed(3).padStart(15)} ${r.cpuPercentPrecise.toFixed(3).padStart(13)}` +
        ` ${r.rssMaxMiB.toFixed(1).padStart(15)}` +
        ` ${r.anonMaxMiB.toFixed(1).padStart(19)} ${String(r.childrenSeen).padStart(10)}`,
    );
  console.log(`\nagent: ${Math.round(usPerSample)} µs of CPU per sample (all agent work / samples)`);
  console.log(
    `targets: CPU <= ${TARGET.cpuPercent} % ${mark(agent.cpuPercent <= TARGET.cpuPercent)}, ` +
      `RSS <= ${TARGET.rssMiB} MiB ${mark(agent.rssMaxMiB <= TARGET.rssMiB)}, ` +
      `RssAnon <= ${TARGET.anonMiB} MiB ${mark(agent.anonMaxMiB <= TARGET.anonMiB)}, ` +
      `no child process ${mark(agent.childrenSeen === 0)}`,
  );
  for (const peer of results.slice(1)) {
    // A peer idle to the clock tick (the bare process) has no CPU ratio.
    const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
    console.log(
      `agent / ${peer.name}: CPU ${ratio(agent.cpuPercent, peer.cpuPercent)}, ` +
        `RSS ${ratio(agent.rssMaxMiB, peer.rssMaxMiB)}, RssAnon ${ratio(agent.anonMaxMiB, peer.anonMaxMiB)}`,
    );
  }
}
