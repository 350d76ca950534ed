/**
 * Captures real metrics frames for bench/ingest.ts and bench/relay-load.ts:
 * starts the real backend, relay and agent (the built binaries, as `npm run
 * build` leaves them) at a 1 s interval, reads the frames the agent sent from
 * its sample journal (per core, filesystems, disks, interfaces; the top
 * processes by CPU and by memory in the frames that followed a walk of the
 * processes, as in normal running), and writes them one JSON line each, seq
 * 1..N in the order taken; beside them (`agent-inventory.json`) the agent's
 * inventory frame.
 *
 *   npm run build && npx tsx bench/ingest-capture.ts [--samples 120] [--out bench/fixtures/agent-samples.jsonl]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ComputerDetail, InventoryFrame, MetricSample, MetricsFrame } from '@labmgr/protocol';
import { eventually, ROOT, startSystem } from '../test/harness.js';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '120' },
    out: { type: 'string', default: 'bench/fixtures/agent-samples.jsonl' },
  },
});
const wanted = Number(values.samples);

const sys = await startSystem();
try {
  await sys.startRelay();
  const { stateDir, computerId } = await sys.enrollAgent('capture');
  sys.startAgent(stateDir, { LABMGR_AGENT_INTERVAL_MS: '1000' });
  await eventually(
    async () =>
      (await sys.api.json<{ status: string }>('GET', `/api/v1/computers/${computerId}`)).status ===
        'online' || undefined,
    30_000,
    'agent online',
  );
  // The frames exactly as the agent sent them: its journal holds each one's text (acked lines stay
  // until a compaction, ~1 MiB away). Not in live mode, so the process lists come as in normal running:
  // in the frame after each walk of the processes.
  const journal = join(stateDir, 'samples.journal');
  const taken = () =>
    existsSync(journal)
      ? readFileSync(journal, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('{"type":"metrics"'))
          .map((l) => (JSON.parse(l) as MetricsFrame).sample)
      : [];
  let samples: MetricSample[] = [];
  await eventually(
    async () => {
      samples = taken();
      return samples.length >= wanted || undefined;
    },
    wanted * 3000 + 30_000,
    'samples',
  );
  const frames: MetricsFrame[] = samples
    .slice(0, wanted)
    .map((sample, i) => ({ type: 'metrics', seq: i + 1, dropped: 0, sample }));
  const lines = frames.map((f) => JSON.stringify(f));
  const out = resolve(ROOT, values.out ?? '');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${lines.join('\n')}\n`);
  // The inventory frame the agent sent, as the backend stored it (the bench's pre-fill sends it once per computer).
  const { inventory } = await sys.api.json<ComputerDetail>('GET', `/api/v1/computers/${computerId}`);
  if (!inventory) throw new Error('the agent sent no inventory');
  const inventoryFrame: InventoryFrame = { type: 'inventory', inventory };
  const inventoryOut = out.replace(/samples\.jsonl$/, 'inventory.json');
  writeFileSync(inventoryOut, `${JSON.stringify(inventoryFrame)}\n`);
  const sizes = lines.map((l) => Buffer.byteLength(l)).sort((a, b) => a - b);
  console.log(
    `wrote ${frames.length} frames to ${out}: ${sizes[0]}–${sizes.at(-1)} bytes each (median ${sizes[Math.floor(sizes.length / 2)]})`,
  );
} finally {
  await sys.stop();
}
