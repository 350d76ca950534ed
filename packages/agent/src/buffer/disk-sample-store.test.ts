import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures, MetricsFrame, parseFrame } from '@labmgr/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { DiskSampleStore, type DiskSampleStoreOptions, SAMPLE_JOURNAL_FILE } from './disk-sample-store.js';
import type { BufferedSample } from './sample-buffer.js';

let dir: string;
let logs: string[];
const open: DiskSampleStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-journal-'));
  logs = [];
});
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  await rm(dir, { recursive: true, force: true });
});

async function openStore(options: Partial<DiskSampleStoreOptions> = {}): Promise<DiskSampleStore> {
  const store = await DiskSampleStore.open(dir, {
    bootId: 'boot-1',
    log: createLogger('debug', { write: (line: string) => logs.push(line) }),
    ...options,
  });
  open.push(store);
  return store;
}

/** Simulates the process dying: the store is dropped without `close()`. */
function abandon(store: DiskSampleStore): void {
  open.splice(open.indexOf(store), 1);
}

function decode(entry: BufferedSample | undefined) {
  if (!entry) throw new Error('no entry');
  const parsed = parseFrame(MetricsFrame, entry.text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

function drain(store: DiskSampleStore): number[] {
  const seqs: number[] = [];
  for (let e = store.firstAfter(0); e; e = store.firstAfter(e.seq)) seqs.push(e.seq);
  return seqs;
}

const journal = () => join(dir, SAMPLE_JOURNAL_FILE);

describe('DiskSampleStore', () => {
  it('keeps samples in seq order, acks cumulatively, counts bytes', async () => {
    const store = await openStore();
    for (const seq of [1, 2, 3, 4]) store.push(seq, fixtures.sample(seq));
    expect(drain(store)).toEqual([1, 2, 3, 4]);
    expect(decode(store.firstAfter(1))).toEqual({
      type: 'metrics',
      seq: 2,
      sample: fixtures.sample(2),
      dropped: 0,
    });
    const bytes = store.bytes;
    expect(store.ack(2)).toBe(2);
    expect(store.ack(1)).toBe(0);
    expect(drain(store)).toEqual([3, 4]);
    expect(store.bytes).toBeLessThan(bytes);
    expect(() => store.push(4, fixtures.sample())).toThrow(RangeError);
    expect(statSync(journal()).mode & 0o777).toBe(0o600);
  });

  it('gives back every unacked sample, byte for byte, after the process dies', async () => {
    const first = await openStore();
    first.markFloor(0);
    const texts = [1, 2, 3, 4, 5].map((seq) => first.push(seq, fixtures.sample(seq)).text);
    first.ack(2);
    abandon(first);

    const again = await openStore();
    expect(drain(again)).toEqual([3, 4, 5]);
    expect(again.firstAfter(3)?.text).toBe(texts[3]);
    expect(again.lastSeq).toBe(5);
    // Same boot, no clean close: the page cache survived, so the journal is complete.
    expect(again.previousRunComplete).toBe(true);
    abandon(again);
    expect((await openStore({ bootId: 'boot-2' })).previousRunComplete).toBe(false);
  });

  it('counts a clean shutdown as complete whatever the boot', async () => {
    const first = await openStore({ bootId: null });
    first.push(1, fixtures.sample());
    first.close();
    const again = await openStore({ bootId: null });
    expect(again.previousRunComplete).toBe(true);
    expect(drain(again)).toEqual([1]);
  });

  it('reads evicted-from-cache frames back from disk', async () => {
    const store = await openStore({ cacheBytes: 1 });
    const texts = [1, 2, 3].map((seq) => store.push(seq, fixtures.sample(seq)).text);
    expect([1, 2, 3].map((seq) => store.firstAfter(seq - 1)?.text)).toEqual(texts);
  });

  it('drops the oldest when full by count, reports it in the next frame, and persists the total', async () => {
    const store = await openStore({ maxSamples: 3 });
    for (let seq = 1; seq <= 5; seq++) store.push(seq, fixtures.sample(seq));
    expect(drain(store)).toEqual([3, 4, 5]);
    expect(store.droppedTotal).toBe(2);
    expect(decode(store.firstAfter(3)).dropped).toBe(1);
    expect(decode(store.firstAfter(4)).dropped).toBe(1);
    abandon(store);

    const again = await openStore({ maxSamples: 3 });
    expect(drain(again)).toEqual([3, 4, 5]);
    expect(again.droppedTotal).toBe(2);
  });

  it('bounds the bytes too, and carries the report of an evicted reporter', async () => {
    const one = Buffer.byteLength(
      JSON.stringify({ type: 'metrics', seq: 1, sample: fixtures.sample(), dropped: 0 }),
    );
    const store = await openStore({ maxBytes: one * 2 + 40 });
    for (let seq = 1; seq <= 6; seq++) store.push(seq, fixtures.sample());
    expect(store.size).toBe(2);
    expect(store.droppedTotal).toBe(4);
    expect(decode(store.firstAfter(5)).dropped + decode(store.firstAfter(4)).dropped).toBe(4);
  });

  it('evicts on open when the bounds shrank, reporting the loss with the next sample', async () => {
    const store = await openStore();
    for (let seq = 1; seq <= 5; seq++) store.push(seq, fixtures.sample(seq));
    abandon(store);
    const smaller = await openStore({ maxSamples: 2 });
    expect(drain(smaller)).toEqual([4, 5]);
    expect(smaller.droppedTotal).toBe(3);
    // 1-3 evicted on open, 4 now to make room: one frame reports all four.
    expect(smaller.push(6, fixtures.sample()).dropped).toBe(4);
    expect(drain(smaller)).toEqual([5, 6]);
  });

  it('compacts once mostly acked, keeping the waiting samples and the counters', async () => {
    const store = await openStore({ compactAfterBytes: 10_000, maxSamples: 4 });
    let seq = 0;
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 3; i++) store.push(++seq, fixtures.sample(seq));
      store.ack(seq - 1);
    }
    for (let i = 0; i < 6; i++) store.push(++seq, fixtures.sample(seq)); // overflow: 3 dropped
    expect(store.droppedTotal).toBe(3);
    const fileBytes = statSync(journal()).size;
    expect(fileBytes).toBeLessThan(3 * 10_000 + store.bytes);
    abandon(store);

    const again = await openStore({ compactAfterBytes: 10_000, maxSamples: 4 });
    expect(drain(again)).toEqual([seq - 3, seq - 2, seq - 1, seq]);
    expect(again.droppedTotal).toBe(3);
    expect(again.lastSeq).toBe(seq);
    expect(logs.some((l) => l.includes('damaged'))).toBe(false);
  });

  it('keeps the file bounded through a long outage at the bound (no acks at all)', async () => {
    const store = await openStore({ maxSamples: 5, compactAfterBytes: 4096 });
    for (let seq = 1; seq <= 300; seq++) store.push(seq, fixtures.sample(seq));
    expect(statSync(journal()).size).toBeLessThan(2 * store.bytes + 4096 + 2048);
    expect(store.droppedTotal).toBe(295);
    abandon(store);
    const again = await openStore({ maxSamples: 5 });
    expect(drain(again)).toEqual([296, 297, 298, 299, 300]);
    expect(again.droppedTotal).toBe(295);
  });

  it('truncates to nothing but the counters when everything is acked', async () => {
    const store = await openStore({ compactAfterBytes: 1 });
    store.push(1, fixtures.sample());
    store.ack(1);
    expect(statSync(journal()).size).toBeLessThan(200);
    abandon(store);
    const again = await openStore();
    expect(again.size).toBe(0);
    expect(again.lastSeq).toBe(1);
  });

  it('skips damaged lines and a torn tail with a log line, and keeps working', async () => {
    const store = await openStore();
    store.push(1, fixtures.sample(1));
    appendFileSync(journal(), 'garbage\n{"type":"metrics","seq":2,"sample":{},"dropped":0}\n');
    store.push(3, fixtures.sample(3));
    abandon(store);
    appendFileSync(journal(), '{"type":"metrics","seq":4,"sam');

    const again = await openStore();
    expect(drain(again)).toEqual([1, 3]);
    expect(
      logs.some((l) => l.includes('skipped damaged sample journal lines') && l.includes('"skipped":2')),
    ).toBe(true);
    expect(logs.some((l) => l.includes('torn line'))).toBe(true);
    expect(readFileSync(journal(), 'utf8').endsWith('\n')).toBe(true);
    again.push(5, fixtures.sample(5));
    abandon(again);
    expect(drain(await openStore())).toEqual([1, 3, 5]);
  });

  it('survives a journal that is nothing but garbage', async () => {
    writeFileSync(journal(), '\u0000\u0000\u0000\n\n{]\n');
    const store = await openStore();
    expect(store.size).toBe(0);
    store.push(1, fixtures.sample());
    expect(drain(store)).toEqual([1]);
  });

  it('does not let an ack for a number never issued raise the floor', async () => {
    const store = await openStore();
    store.push(1, fixtures.sample());
    expect(store.ack(1000)).toBe(1);
    expect(store.ack(2000)).toBe(0);
    abandon(store);
    expect((await openStore()).lastSeq).toBe(1);
  });

  it('remembers the floor of a run that numbered nothing', async () => {
    const store = await openStore();
    store.markFloor(5000);
    abandon(store);
    expect((await openStore()).lastSeq).toBe(5000);
  });
});
