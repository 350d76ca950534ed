/**
 * Captures real metrics frames for bench/ingest.ts: starts the real backend,
 * relay and agent (the built binaries, as `npm run build` leaves them), watches
 * the agent's computer live so the backend pushes each full sample it stored
 * (per core, filesystems, disks, interfaces, top processes by CPU and by
 * memory), and writes them as the agent's `metrics` frames, one JSON line
 * each, seq 1..N in the order taken; beside them (`agent-inventory.json`)
 * the agent's inventory frame.
 *
 *   npm run build && npx tsx bench/ingest-capture.ts [--samples 40] [--out bench/fixtures/agent-samples.jsonl]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ComputerDetail, InventoryFrame, MetricSample, MetricsFrame } from '@labmgr/protocol';
import WebSocket from 'ws';
import { eventually, ROOT, startSystem } from '../test/harness.js';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '40' },
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
  const samples: MetricSample[] = [];
  const ws = new WebSocket(`${sys.backendUrl.replace('http', 'ws')}/api/v1/live`, {
    headers: { cookie: sys.api.cookieHeader, origin: sys.backendUrl },
  });
  ws.on('message', (m) => {
    for (const e of [JSON.parse(m.toString())].flat() as { type: string; sample?: MetricSample }[])
      if (e.type === 'computer.sample' && e.sample) samples.push(e.sample);
  });
  await new Promise((r) => ws.once('open', r));
  // Renewed every 30 s as the web page does, until enough samples arrived.
  const renew = async () =>
    sys.api.json('POST', `/api/v1/computers/${computerId}/live-mode`, { intervalMs: 1000, ttlSec: 60 });
  await renew();
  const timer = setInterval(() => void renew(), 30_000);
  await eventually(async () => samples.length >= wanted || undefined, wanted * 3000 + 30_000, 'samples');
  clearInterval(timer);
  ws.close();
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
