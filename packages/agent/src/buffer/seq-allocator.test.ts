import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEQ_FILE, SeqAllocator } from './seq-allocator.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-seq-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function take(allocator: SeqAllocator, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await allocator.next());
  return out;
}

async function reservedUpTo(): Promise<unknown> {
  return JSON.parse(await readFile(join(dir, SEQ_FILE), 'utf8')).reservedUpTo;
}

describe('SeqAllocator', () => {
  it('starts at 1 and reserves a block before issuing', async () => {
    const allocator = await SeqAllocator.open(dir, { blockSize: 10 });
    expect(await take(allocator, 3)).toEqual([1, 2, 3]);
    expect(await reservedUpTo()).toBe(10);
    expect((await stat(join(dir, SEQ_FILE))).mode & 0o777).toBe(0o600);
  });

  it('reserves the next block when one is used up', async () => {
    const allocator = await SeqAllocator.open(dir, { blockSize: 3 });
    expect(await take(allocator, 7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await reservedUpTo()).toBe(9);
  });

  it('continues above the reservation after a restart, never reusing a number', async () => {
    const first = await SeqAllocator.open(dir, { blockSize: 10 });
    const before = await take(first, 4);
    const second = await SeqAllocator.open(dir, { blockSize: 10 });
    const after = await take(second, 3);
    expect(after).toEqual([11, 12, 13]);
    expect(Math.min(...after)).toBeGreaterThan(Math.max(...before));
    expect(await reservedUpTo()).toBe(20);
  });

  it('issues at once inside the reservation, never ahead of a pending next() or past the reservation', async () => {
    const allocator = await SeqAllocator.open(dir, { blockSize: 3 });
    // Nothing reserved yet: the caller has to go through next().
    expect(allocator.nextIfReserved()).toBeUndefined();
    const pending = allocator.next();
    // A pending next() is not overtaken.
    expect(allocator.nextIfReserved()).toBeUndefined();
    expect(await pending).toBe(1);
    expect(allocator.nextIfReserved()).toBe(2);
    expect(allocator.nextIfReserved()).toBe(3);
    // The block is used up: the next number needs a reservation on disk first.
    expect(allocator.nextIfReserved()).toBeUndefined();
    expect(await allocator.next()).toBe(4);
    expect(await reservedUpTo()).toBe(6);
    expect(allocator.nextIfReserved()).toBe(5);
  });

  it('issues distinct, increasing numbers to concurrent callers', async () => {
    const allocator = await SeqAllocator.open(dir, { blockSize: 2 });
    const seqs = await Promise.all(Array.from({ length: 9 }, () => allocator.next()));
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('skips past a reservation another process made meanwhile', async () => {
    const a = await SeqAllocator.open(dir, { blockSize: 5 });
    await take(a, 5);
    const b = await SeqAllocator.open(dir, { blockSize: 5 });
    expect(await b.next()).toBe(6);
    expect(await a.next()).toBe(11);
  });

  it('falls back to the clock when the file is damaged', async () => {
    await writeFile(join(dir, SEQ_FILE), '{"reservedUpTo":');
    const allocator = await SeqAllocator.open(dir, { blockSize: 10, now: () => 1_700_000_000_000 });
    expect(await allocator.next()).toBe(1_700_000_000_001);
  });

  it('resumes inside the reservation only when the journal proves it complete', async () => {
    const first = await SeqAllocator.open(dir, { blockSize: 10 });
    await take(first, 3);
    const resumed = await SeqAllocator.open(dir, { blockSize: 10 });
    resumed.alignWithJournal(3, true);
    expect(await take(resumed, 2)).toEqual([4, 5]);
    const unsure = await SeqAllocator.open(dir, { blockSize: 10 });
    unsure.alignWithJournal(5, false);
    expect(await unsure.next()).toBe(11);
  });

  it('never goes below a journal that is ahead of the reservation, nor resumes from a damaged file', async () => {
    const fresh = await SeqAllocator.open(dir, { blockSize: 10 });
    fresh.alignWithJournal(42, true);
    expect(await fresh.next()).toBe(43);
    await writeFile(join(dir, SEQ_FILE), '{');
    const damaged = await SeqAllocator.open(dir, { blockSize: 10, now: () => 1_000_000 });
    damaged.alignWithJournal(43, true);
    expect(await damaged.next()).toBe(1_000_001);
  });
});
