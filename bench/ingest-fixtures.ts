/**
 * The real agent frames bench/ingest.ts sends (bench/fixtures/agent-samples.jsonl,
 * captured by bench/ingest-capture.ts) and what it derives from them: frame
 * texts with another seq and time spliced in, and the figures the backend
 * stores of each (for the pre-filled history and the raw-insert baseline).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type InventoryFrame, type MetricsFrame, summarizeSample } from '@labmgr/protocol';
import { ROOT } from '../test/harness.js';

/** The columns of a `metric_samples` row after its key (computer_id, seq, at). */
export interface Figures {
  cpu: number;
  memUsed: number;
  memTotal: number;
  diskUsed: number;
  diskTotal: number;
  load1: number;
  netRx: number;
  netTx: number;
}

export interface AgentFixtures {
  frames: MetricsFrame[];
  /** Per frame: its JSON text from the character after the sample's `at` value to the end. */
  tails: string[];
  figures: Figures[];
  /** Per frame: the `latest_metrics` JSON the backend keeps for it. */
  latest: string[];
  inventory: InventoryFrame;
  /** Byte sizes of the captured frame texts, sorted. */
  frameBytes: number[];
  /** sha256 of the fixture files, first 12 hex digits (pre-fill cache key). */
  hash: string;
}

/**
 * Which capture: `agent` (agent-samples.jsonl), the frames as the agent sends them since 2026-12-07 (the
 * process lists only in the frame after each walk of the processes, ~1 in 10); `every-list`
 * (agent-samples-every-list.jsonl), the capture of before then, process lists in every frame (the agents
 * of before, and the worst case).
 */
export type FixtureSet = 'agent' | 'every-list';

/** A `--frames` value, checked. */
export function fixtureSet(value: string | undefined): FixtureSet {
  if (value === 'agent' || value === 'every-list') return value;
  throw new Error(`--frames must be agent or every-list, not ${value}`);
}

const SAMPLES: Record<FixtureSet, string> = {
  agent: join(ROOT, 'bench/fixtures/agent-samples.jsonl'),
  'every-list': join(ROOT, 'bench/fixtures/agent-samples-every-list.jsonl'),
};
const INVENTORY = join(ROOT, 'bench/fixtures/agent-inventory.json');

export function loadFixtures(set: FixtureSet = 'agent'): AgentFixtures {
  const samplesText = readFileSync(SAMPLES[set], 'utf8');
  const inventoryText = readFileSync(INVENTORY, 'utf8');
  const lines = samplesText.split('\n').filter(Boolean);
  const frames = lines.map((l) => JSON.parse(l) as MetricsFrame);
  const tails = frames.map((f) => {
    const text = JSON.stringify(f);
    const head = `{"type":"metrics","seq":${f.seq},"dropped":0,"sample":{"at":${f.sample.at}`;
    if (!text.startsWith(head)) throw new Error(`unexpected frame layout: ${text.slice(0, 80)}`);
    return text.slice(head.length);
  });
  const figures = frames.map((f) => {
    const s = summarizeSample(f.sample);
    return {
      cpu: s.cpuPercent,
      memUsed: s.memUsedBytes,
      memTotal: s.memTotalBytes,
      diskUsed: s.diskUsedBytes,
      diskTotal: s.diskTotalBytes,
      load1: s.load1,
      netRx: s.netRxBytesPerSec,
      netTx: s.netTxBytesPerSec,
    };
  });
  return {
    frames,
    tails,
    figures,
    latest: frames.map((f) => JSON.stringify(summarizeSample(f.sample))),
    inventory: JSON.parse(inventoryText) as InventoryFrame,
    frameBytes: lines.map((l) => Buffer.byteLength(l)).sort((a, b) => a - b),
    // Of the content, not the text: reformatting the files keeps the pre-fill cache.
    hash: createHash('sha256')
      .update(JSON.stringify(frames))
      .update(JSON.stringify(JSON.parse(inventoryText)))
      .digest('hex')
      .slice(0, 12),
  };
}

/** Which captured frame computer `i` sends as its sample `seq`: they take turns, differently per computer. */
export function fixtureIndex(fx: AgentFixtures, computerIndex: number, seq: number): number {
  return (seq + computerIndex * 7) % fx.frames.length;
}

/** The frame text of captured frame `k` as sample `seq` taken at `at` (the rest byte for byte as captured). */
export function frameText(fx: AgentFixtures, k: number, seq: number, at: number): string {
  return `{"type":"metrics","seq":${seq},"dropped":0,"sample":{"at":${at}${fx.tails[k]}`;
}
