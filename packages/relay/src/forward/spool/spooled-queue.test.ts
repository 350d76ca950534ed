import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { segmentPath } from './spool-segments.js';
import { SpooledQueue, type SpooledQueueOptions } from './spooled-queue.js';

interface Item {
  n: number;
}

const decode = (value: unknown): Item | undefined =>
  typeof value === 'object' && value !== null && typeof (value as Item).n === 'number'
    ? { n: (value as Item).n }
    : undefined;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'labmgr-spool-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function open(options: Partial<SpooledQueueOptions<Item>> = {}) {
  const logger = pino({ level: 'silent' });
  const queue = SpooledQueue.open<Item>({
    dir,
    memoryItems: 3,
    maxBytes: 1024 * 1024,
    segmentBytes: 40,
    decode,
    logger,
    ...options,
  });
  return { queue, logger };
}

function push(queue: SpooledQueue<Item>, from: number, to: number): void {
  for (let n = from; n <= to; n++) expect(queue.push({ n }, 1)).toBe(true);
}

/** Sends (takes) one batch the way the batcher does: read the head, then remove it. */
async function take(queue: SpooledQueue<Item>, maxCount = 4): Promise<{ ns: number[]; replayed: boolean }> {
  const batch = await queue.next(maxCount, Number.POSITIVE_INFINITY);
  queue.shift(batch.items.length);
  return { ns: batch.items.map((i) => i.n), replayed: batch.replayed };
}

async function takeAll(queue: SpooledQueue<Item>, maxCount = 4): Promise<number[]> {
  const ns: number[] = [];
  while (queue.size > 0) ns.push(...(await take(queue, maxCount)).ns);
  return ns;
}

const segmentFiles = () => readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('SpooledQueue', () => {
  it('keeps the first items in memory and spools the rest to disk as JSON lines', () => {
    const { queue } = open();
    push(queue, 1, 3);
    expect(queue.spoolBytes).toBe(0);
    expect(segmentFiles()).toEqual([]);
    push(queue, 4, 10);
    expect(queue.size).toBe(10);
    expect(queue.spooledItems).toBe(7);
    // 40-byte segments hold four 9-byte lines each.
    expect(segmentFiles()).toHaveLength(2);
    const lines = segmentFiles().flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'));
    expect(lines).toEqual(range(4, 10).map((n) => JSON.stringify({ n })));
    expect(queue.spoolBytes).toBe(lines.join('\n').length + 1);
  });

  it('hands out items in push order across memory, disk and memory again, in full batches', async () => {
    const { queue } = open();
    push(queue, 1, 10);
    // The head is topped up from disk, so the batch is full although memory held 3.
    expect(await take(queue)).toEqual({ ns: [1, 2, 3, 4], replayed: false });
    // Items pushed while something is on disk go to disk behind it.
    push(queue, 11, 12);
    expect(await take(queue)).toEqual({ ns: [5, 6, 7, 8], replayed: false });
    expect(await take(queue)).toEqual({ ns: [9, 10, 11, 12], replayed: false });
    expect(queue.size).toBe(0);
    expect(queue.spoolBytes).toBe(0);
    expect(queue.spooledItems).toBe(0);
    // Empty again: back to memory.
    push(queue, 13, 14);
    expect(segmentFiles()).toEqual([]);
    push(queue, 15, 30);
    push(queue, 31, 31);
    const rest: number[] = [];
    for (let n = 32; queue.size > 0; n++) {
      rest.push(...(await take(queue, 3)).ns);
      if (n <= 40) push(queue, n, n);
    }
    expect(rest).toEqual(range(13, 40));
  });

  it('keeps each batch within the weight limit, a heavier item going alone', async () => {
    const { queue } = open({ memoryItems: 100 });
    queue.push({ n: 1 }, 5);
    queue.push({ n: 2 }, 5);
    queue.push({ n: 3 }, 20);
    queue.push({ n: 4 }, 1);
    const sizes: number[] = [];
    while (queue.size > 0) {
      const batch = await queue.next(10, 12);
      sizes.push(batch.items.length);
      queue.shift(batch.items.length);
    }
    expect(sizes).toEqual([2, 1, 1]);
  });

  it('deletes a segment once every item read from it is sent, not before', async () => {
    const { queue } = open({ memoryItems: 1 });
    push(queue, 1, 5);
    expect(segmentFiles()).toHaveLength(1);
    const first = segmentFiles()[0];
    // Reads the segment back; its items are in memory but not sent yet.
    const batch = await queue.next(3, Number.POSITIVE_INFINITY);
    expect(batch.items.map((i) => i.n)).toEqual([1, 2, 3]);
    queue.shift(3);
    expect(segmentFiles()).toEqual([first]);
    expect(queue.spooledItems).toBe(2);
    expect(await take(queue)).toEqual({ ns: [4, 5], replayed: false });
    expect(segmentFiles()).toEqual([]);
    expect(queue.spoolBytes).toBe(0);
  });

  it('refuses items once the spool is at its bound, and takes them again once it has drained', async () => {
    // Each line is 8 bytes ({"n":9} + newline): room for two on disk.
    const { queue, logger } = open({ memoryItems: 1, maxBytes: 17 });
    const error = vi.spyOn(logger, 'error');
    push(queue, 1, 3);
    expect(queue.push({ n: 4 }, 1)).toBe(false);
    expect(queue.push({ n: 5 }, 1)).toBe(false);
    expect(queue.size).toBe(3);
    expect(queue.spoolBytes).toBe(16);
    // Logged once per episode, not per refused item.
    expect(error).toHaveBeenCalledTimes(1);
    expect(await takeAll(queue)).toEqual([1, 2, 3]);
    push(queue, 4, 6);
    expect(await takeAll(queue)).toEqual([4, 5, 6]);
  });

  it('refuses, without throwing, an item it cannot write', () => {
    const { queue } = open({ memoryItems: 1 });
    push(queue, 1, 1);
    rmSync(dir, { recursive: true });
    expect(queue.push({ n: 2 }, 1)).toBe(false);
    expect(queue.size).toBe(1);
  });

  it('replays what a stopped queue held (memory part included) before new items, in batches of their own', async () => {
    const first = open({ memoryItems: 3 }).queue;
    push(first, 1, 10);
    expect(await take(first, 2)).toEqual({ ns: [1, 2], replayed: false });
    first.close();
    expect(first.push({ n: 99 }, 1)).toBe(false);

    const { queue } = open({ memoryItems: 3 });
    expect(queue.size).toBe(8);
    expect(queue.spooledItems).toBe(8);
    push(queue, 11, 15);
    const batches: Array<{ ns: number[]; replayed: boolean }> = [];
    while (queue.size > 0) batches.push(await take(queue, 5));
    expect(batches.flatMap((b) => b.ns)).toEqual(range(3, 15));
    // Never one batch mixing the earlier run's items with this run's.
    expect(batches.filter((b) => b.replayed).flatMap((b) => b.ns)).toEqual(range(3, 10));
    expect(batches.filter((b) => !b.replayed).flatMap((b) => b.ns)).toEqual(range(11, 15));
    expect(segmentFiles()).toEqual([]);
  });

  it('after a crash (no close) replays what reached the disk', async () => {
    const crashed = open({ memoryItems: 2 }).queue;
    push(crashed, 1, 6);
    // The process dies here: memory (1, 2) is lost from the relay, the agents still hold it.
    const { queue } = open({ memoryItems: 2 });
    expect(await takeAll(queue)).toEqual(range(3, 6));
    expect(segmentFiles()).toEqual([]);
  });

  it('skips a torn last line and a damaged one with a log line, keeping the rest', async () => {
    writeFileSync(segmentPath(dir, 5), '{"n":1}\n{"n":2}\nnot json\n{"x":true}\n{"n":3}\n');
    appendFileSync(segmentPath(dir, 6), '{"n":4}\n{"n":5}\n{"n":');
    const { queue, logger } = open();
    const warn = vi.spyOn(logger, 'warn');
    // Counted from the files before they are read: every line, torn ones included.
    expect(queue.size).toBe(8);
    expect(await takeAll(queue, 100)).toEqual([1, 2, 3, 4, 5]);
    expect(queue.size).toBe(0);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ damaged: 2, kept: 3 });
    expect(warn.mock.calls[1]?.[0]).toMatchObject({ damaged: 1, kept: 2 });
    expect(segmentFiles()).toEqual([]);
  });

  it('drops a segment holding only a torn line, and what an interrupted write left', async () => {
    writeFileSync(segmentPath(dir, 7), '{"n":');
    writeFileSync(segmentPath(dir, 8), '');
    writeFileSync(`${segmentPath(dir, 9)}.tmp`, '{"n":1}\n');
    const { queue } = open();
    expect(readdirSync(dir)).toEqual([segmentPath(dir, 7).split('/').at(-1)]);
    const batch = await queue.next(10, Number.POSITIVE_INFINITY);
    expect(batch.items).toEqual([]);
    expect(queue.size).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('skips a segment deleted underneath it', async () => {
    const { queue, logger } = open({ memoryItems: 1, segmentBytes: 10 });
    const error = vi.spyOn(logger, 'error');
    push(queue, 1, 4);
    const files = segmentFiles();
    expect(files).toHaveLength(3);
    rmSync(join(dir, files[1] ?? ''));
    expect(await takeAll(queue)).toEqual([1, 2, 4]);
    expect(error).toHaveBeenCalledTimes(1);
    expect(queue.spoolBytes).toBe(0);
  });
});
