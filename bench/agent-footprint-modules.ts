/**
 * Where the agent's private memory goes: a fresh Node process per module,
 * importing only that module, then settling (two full GCs) and reporting its
 * own RssAnon and V8 heap. The difference to a bare process is what loading
 * the module costs. Shows why the agent runs as a bundle without zod.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../test/harness.js';

export interface ModuleCost {
  module: string;
  anonMiB: number;
  heapUsedMiB: number;
  /** Over the bare process. */
  extraAnonMiB: number;
  extraHeapMiB: number;
}

const PROBE = `
const target = process.argv[1];
if (target) await import(target);
globalThis.gc(); globalThis.gc();
await new Promise((r) => setTimeout(r, 300));
globalThis.gc();
const status = (await import('node:fs')).readFileSync('/proc/self/status', 'utf8');
const anon = Number(/^RssAnon:\\s+(\\d+)/m.exec(status)?.[1] ?? 0) * 1024;
console.log(JSON.stringify({ anon, heapUsed: process.memoryUsage().heapUsed }));
process.exit(0); // the agent's CLI, run without a command, would exit 2
`;

function probe(target: string | null): { anon: number; heapUsed: number } {
  // Median of three: RssAnon moves by a few hundred KiB from run to run.
  const runs = [0, 1, 2].map(() => {
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', '--input-type=module', '-e', PROBE, ...(target ? [target] : [])],
      { encoding: 'utf8', cwd: ROOT },
    );
    if (r.status !== 0) throw new Error(`probe of ${target} failed: ${r.stderr}`);
    // Importing the agent's bundle runs its CLI, which prints its usage too.
    const last = r.stdout.split('\n').find((line) => line.startsWith('{"anon"')) ?? '';
    return JSON.parse(last) as { anon: number; heapUsed: number };
  });
  runs.sort((a, b) => a.anon - b.anon);
  return runs[1] ?? { anon: 0, heapUsed: 0 };
}

const MiB = 1024 * 1024;
const round = (n: number) => Math.round(n * 10) / 10;

/** Bare Node, zod (classic and mini), the protocol package, the agent's entry and its collectors. */
export function measureModuleCosts(): ModuleCost[] {
  const file = (path: string) => pathToFileURL(join(ROOT, path)).href;
  const zodDir = join(ROOT, 'node_modules/zod');
  const targets: Array<[string, string | null]> = [
    ['node (nothing imported)', null],
    ['zod', pathToFileURL(join(zodDir, 'index.js')).href],
    ['zod/mini', pathToFileURL(join(zodDir, 'mini/index.js')).href],
    ['@labmgr/protocol (zod + schemas)', file('packages/protocol/dist/index.js')],
    ['@labmgr/protocol/compiled (no zod)', file('packages/protocol/dist/compiled.js')],
    ['agent collectors only', file('packages/agent/dist/collectors/create-collector.js')],
    ['agent as ~150 modules (dist/index.js)', file('packages/agent/dist/index.js')],
    ['agent bundle (what labmgr-agent runs)', file('packages/agent/dist/labmgr-agent.cjs')],
  ];
  const bare = probe(null);
  return targets.map(([module, target]) => {
    const m = target ? probe(target) : bare;
    return {
      module,
      anonMiB: round(m.anon / MiB),
      heapUsedMiB: round(m.heapUsed / MiB),
      extraAnonMiB: round((m.anon - bare.anon) / MiB),
      extraHeapMiB: round((m.heapUsed - bare.heapUsed) / MiB),
    };
  });
}
