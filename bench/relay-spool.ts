/**
 * Relay spool cost per frame, against the relay's normal path in the same
 * run: is replaying a spooled frame any dearer than receiving it?
 *
 *   npm run build
 *   npx tsx bench/relay-spool.ts [--frames 200000] [--runs 3]
 *
 * Per run, alternating (so both see the same load), on real metrics frames:
 * - normal path: what the relay does per frame it receives and forwards
 *   (`parseChecked` with the precompiled agent-frame validator, the item
 *   queued in memory, read back in batches of 1,000 and removed);
 * - spool path: the same frames pushed past the memory bound into a real
 *   `SpooledQueue` on disk (raw record, CRC-32, batched writes), then read
 *   back in batches of 1,000 (segment read, checksum, decode) and removed.
 * And, as the baseline beside, the spool with the JSON records of the relay
 * before (the item JSON-encoded, parsed twice and schema-checked on replay).
 * Reports µs per frame of each (spool: writing and replaying apart), every run with the 1-min load average, and
 * min/median/max; appends every run to bench/results/relay-spool.json.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fixtures } from '@labmgr/protocol';
import { checkAgentFrame, parseChecked } from '@labmgr/protocol/compiled';
import { pino } from 'pino';
import type { ForwardItem } from '../packages/relay/src/backend/backend-client.js';
import { MemoryQueue } from '../packages/relay/src/forward/batch-queue.js';
import { decodeIngestRecord, encodeIngestRecord } from '../packages/relay/src/forward/ingest-record.js';
import { SpooledQueue } from '../packages/relay/src/forward/spool/spooled-queue.js';
import { ROOT } from '../test/harness.js';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '3' },
  },
});
const frameCount = Number(values.frames);
const runs = Number(values.runs);
const BATCH = 1000;
const computerIds = Array.from(
  { length: 1000 },
  (_, i) => `6c3f2a1e-1b2c-4d5e-8f90-${String(i).padStart(12, '0')}`,
);
const sample = fixtures.sample(0);
const texts = Array.from({ length: 64 }, (_, i) =>
  JSON.stringify({
    type: 'metrics',
    seq: 1_000_000 + i,
    dropped: 0,
    sample: {
      ...sample,
      at: 1_765_000_000_000 + i * 1000,
      cpu: { ...sample.cpu, usagePercent: (i * 7) % 100 },
    },
  }),
);
const frameBytes = Buffer.byteLength(texts[0] ?? '');

function item(i: number): ForwardItem {
  return {
    computerId: computerIds[i % computerIds.length] as string,
    receivedAt: 1_765_000_000_000 + i,
    text: texts[i % texts.length] as string,
  };
}

/** The relay's per-frame work on receipt (validation) and in its memory queue. */
function normalPath(): number {
  const queue = new MemoryQueue<ForwardItem>(frameCount + 1);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < frameCount; i++) {
    const it = item(i);
    const parsed = parseChecked(checkAgentFrame, it.text);
    if (!parsed.ok) throw new Error(parsed.reason);
    queue.push(it, it.text.length);
  }
  while (queue.size > 0) {
    const batch = queue.next(0, BATCH, Number.POSITIVE_INFINITY);
    queue.shift(batch.items.length);
  }
  return Number(process.hrtime.bigint() - t0) / 1000 / frameCount;
}

/** The extra work of a frame that goes through the disk spool: encode and write, then read back, check and decode. */
async function spoolPath(json = false): Promise<{ writeUs: number; replayUs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'labmgr-spool-bench-'));
  try {
    const queue = SpooledQueue.open<ForwardItem>({
      dir,
      memoryItems: 0,
      maxBytes: 16 * 1024 ** 3,
      // The baseline: the JSON records of the relay before (JSON-escaped text; parsed twice and validated on replay).
      encode: json ? (it) => JSON.stringify(it) : encodeIngestRecord,
      decode: decodeIngestRecord,
      logger: pino({ level: 'silent' }),
    });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < frameCount; i++) {
      const it = item(i);
      if (!queue.push(it, it.text.length)) throw new Error('spool refused an item');
    }
    queue.flush();
    const t1 = process.hrtime.bigint();
    let read = 0;
    while (queue.size > 0) {
      const batch = await queue.next(0, BATCH, Number.POSITIVE_INFINITY);
      read += batch.items.length;
      queue.shift(batch.items.length);
    }
    if (read !== frameCount) throw new Error(`read back ${read} of ${frameCount}`);
    const t2 = process.hrtime.bigint();
    return { writeUs: Number(t1 - t0) / 1000 / frameCount, replayUs: Number(t2 - t1) / 1000 / frameCount };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const rows: Array<{
  run: number;
  load1: number;
  normalUs: number;
  writeUs: number;
  replayUs: number;
  jsonWriteUs: number;
  jsonReplayUs: number;
}> = [];
console.log(`relay spool: ${frameCount} metrics frames of ${frameBytes} B per path per run, ${runs} runs`);
normalPath(); // warm-up: JIT and the validator
for (let run = 1; run <= runs; run++) {
  const load1 = round(loadavg()[0] ?? 0);
  const normalUs = normalPath();
  const { writeUs, replayUs } = await spoolPath();
  const json = await spoolPath(true);
  rows.push({
    run,
    load1,
    normalUs: round(normalUs),
    writeUs: round(writeUs),
    replayUs: round(replayUs),
    jsonWriteUs: round(json.writeUs),
    jsonReplayUs: round(json.replayUs),
  });
  console.log(
    `  run ${run} (load ${load1}): normal path ${normalUs.toFixed(2)} µs/frame; spool write ${writeUs.toFixed(2)}, replay ${replayUs.toFixed(2)};` +
      ` JSON records (before) write ${json.writeUs.toFixed(2)}, replay ${json.replayUs.toFixed(2)}`,
  );
}
const spread = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[0]} / ${s[Math.floor(s.length / 2)]} / ${s.at(-1)}`;
};
console.log(`normal path µs/frame min/median/max: ${spread(rows.map((r) => r.normalUs))}`);
console.log(`spool write µs/frame min/median/max: ${spread(rows.map((r) => r.writeUs))}`);
console.log(`spool replay µs/frame min/median/max: ${spread(rows.map((r) => r.replayUs))}`);
console.log(`JSON records (before) write µs/frame min/median/max: ${spread(rows.map((r) => r.jsonWriteUs))}`);
console.log(
  `JSON records (before) replay µs/frame min/median/max: ${spread(rows.map((r) => r.jsonReplayUs))}`,
);
const ok = rows.every((r) => r.replayUs <= r.normalUs);
console.log(`replay no dearer than the normal path (every run): ${ok ? 'met' : 'NOT MET'}`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
appendFileSync(
  join(ROOT, 'bench/results/relay-spool.json'),
  `${JSON.stringify({ bench: 'relay-spool', at: new Date().toISOString(), cores: cpus().length, node: process.version, frames: frameCount, frameBytes, rows })}\n`,
);
