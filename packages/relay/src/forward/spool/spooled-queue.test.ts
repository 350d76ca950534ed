import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeRecord } from './spool-record.js';
import { FIRST_SEGMENT_NUMBER, segmentPath } from './spool-segments.js';
import { QUARANTINE_FILE, SpooledQueue, type SpooledQueueOptions } from './spooled-queue.js';

interface Item {
  n: number;
}

const decode = (text: string): Item | undefined => {
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && typeof (value as Item).n === 'number'
    ? { n: (value as Item).n }
    : undefined;
};

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

/** Pushes `from`..`to`, then writes what the spool holds back for its next batched write. */
function push(queue: SpooledQueue<Item>, from: number, to: number): void {
  for (let n = from; n <= to; n++) expect(queue.push({ n }, 1)).toBe(true);
  queue.flush();
}

/** Sends (takes) one batch the way the batcher does: read the head, then remove it. */
async function take(queue: SpooledQueue<Item>, maxCount = 4): Promise<{ ns: number[]; replayed: boolean }> {
  const batch = await queue.next(0, maxCount, Number.POSITIVE_INFINITY);
  queue.shift(batch.items.length);
  return { ns: batch.items.map((i) => i.n), replayed: batch.replayed };
}

async function takeAll(queue: SpooledQueue<Item>, maxCount = 4): Promise<number[]> {
  const ns: number[] = [];
  while (queue.size > 0) ns.push(...(await take(queue, maxCount)).ns);
  return ns;
}

const segmentFiles = () => readdirSync(dir).filter((f) => f.startsWith('seg-'));
/** One record as the spool writes it: `<crc32 hex> <json>\n` (17 bytes for `{"n":9}`). */
const record = (n: number) => encodeRecord(JSON.stringify({ n })).toString('utf8');
const quarantined = () =>
  readFileSync(join(dir, QUARANTINE_FILE), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('SpooledQueue', () => {
  it('writes spooled records in batches, not one write per item', async () => {
    const { queue } = open({ segmentBytes: 1024 * 1024 });
    for (let n = 1; n <= 10; n++) queue.push({ n }, 1);
    const [file] = segmentFiles();
    // Accepted and counted, but the write waits for more records (or a few ms).
    expect(queue.spooledItems).toBe(7);
    expect(readFileSync(join(dir, file ?? ''), 'utf8')).toBe('');
    await new Promise((r) => setTimeout(r, 60));
    expect(readFileSync(join(dir, file ?? ''), 'utf8')).toBe(range(4, 10).map(record).join(''));
    expect(await takeAll(queue, 100)).toEqual(range(1, 10));
  });

  it('when a batched write fails, withholds acks and asks the agents to re-send what it lost', async () => {
    let damage = 0;
    const { queue } = open({ segmentBytes: 1024 * 1024, onLiveDamage: () => damage++ });
    // The first segment is a disk with no space left.
    symlinkSync('/dev/full', segmentPath(dir, FIRST_SEGMENT_NUMBER));
    for (let n = 1; n <= 5; n++) expect(queue.push({ n }, 1)).toBe(true);
    expect(queue.size).toBe(5);
    queue.flush();
    expect(damage).toBe(1);
    expect(queue.size).toBe(3);
    expect(await take(queue, 100)).toEqual({ ns: [1, 2, 3], replayed: true });
  });

  it('keeps the first items in memory and spools the rest to disk as checksummed JSON lines', () => {
    const { queue } = open();
    push(queue, 1, 3);
    expect(queue.spoolBytes).toBe(0);
    expect(segmentFiles()).toEqual([]);
    push(queue, 4, 10);
    expect(queue.size).toBe(10);
    expect(queue.spooledItems).toBe(7);
    // 40-byte segments hold two 17-byte records each.
    expect(segmentFiles()).toHaveLength(4);
    expect(segmentFiles().every((f) => f.endsWith('.crc.jsonl'))).toBe(true);
    const lines = segmentFiles().flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'));
    expect(lines).toEqual(range(4, 10).map((n) => record(n).trim()));
    expect(lines[0]).toMatch(/^[0-9a-f]{8} \{"n":4\}$/);
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
      const batch = await queue.next(0, 10, 12);
      sizes.push(batch.items.length);
      queue.shift(batch.items.length);
    }
    expect(sizes).toEqual([2, 1, 1]);
  });

  it('deletes a segment once every item read from it is sent, not before', async () => {
    const { queue } = open({ memoryItems: 1, segmentBytes: 100 });
    push(queue, 1, 5);
    expect(segmentFiles()).toHaveLength(1);
    const first = segmentFiles()[0];
    // Reads the segment back; its items are in memory but not sent yet.
    const batch = await queue.next(0, 3, Number.POSITIVE_INFINITY);
    expect(batch.items.map((i) => i.n)).toEqual([1, 2, 3]);
    queue.shift(3);
    expect(segmentFiles()).toEqual([first]);
    expect(queue.spooledItems).toBe(2);
    expect(await take(queue)).toEqual({ ns: [4, 5], replayed: false });
    expect(segmentFiles()).toEqual([]);
    expect(queue.spoolBytes).toBe(0);
  });

  it('refuses items once the spool is at its bound, and takes them again once it has drained', async () => {
    // Each record is 17 bytes (checksum, space, {"n":9}, newline): room for two on disk.
    const { queue, logger } = open({ memoryItems: 1, maxBytes: 34 });
    const error = vi.spyOn(logger, 'error');
    push(queue, 1, 3);
    expect(queue.push({ n: 4 }, 1)).toBe(false);
    expect(queue.push({ n: 5 }, 1)).toBe(false);
    expect(queue.size).toBe(3);
    expect(queue.spoolBytes).toBe(34);
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

  it('reads segments of earlier versions (no checksums), quarantining a torn last line and a damaged one', async () => {
    writeFileSync(segmentPath(dir, 5, true), '{"n":1}\n{"n":2}\nnot json\n{"x":true}\n{"n":3}\n');
    appendFileSync(segmentPath(dir, 6, true), '{"n":4}\n{"n":5}\n{"n":');
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
    expect(quarantined()).toMatchObject([
      { segment: 'seg-0000000000000005.jsonl', offset: 16, reason: 'invalid', line: 'not json' },
      { segment: 'seg-0000000000000005.jsonl', offset: 25, reason: 'invalid', line: '{"x":true}' },
      { segment: 'seg-0000000000000006.jsonl', offset: 16, reason: 'torn', line: '{"n":' },
    ]);
  });

  it('drops a segment holding only a torn line, and what an interrupted write left', async () => {
    writeFileSync(segmentPath(dir, 7), record(1).slice(0, 12));
    writeFileSync(segmentPath(dir, 8), '');
    writeFileSync(`${segmentPath(dir, 9)}.tmp`, record(1));
    const { queue } = open();
    expect(readdirSync(dir)).toEqual([segmentPath(dir, 7).split('/').at(-1)]);
    const batch = await queue.next(0, 10, Number.POSITIVE_INFINITY);
    expect(batch.items).toEqual([]);
    expect(queue.size).toBe(0);
    expect(readdirSync(dir)).toEqual([QUARANTINE_FILE]);
    expect(quarantined()).toMatchObject([
      { segment: 'seg-0000000000000007.crc.jsonl', offset: 0, reason: 'torn' },
    ]);
  });

  it('rotates the quarantine file to quarantine.jsonl.1 at its size limit, and reports it', async () => {
    const rotated: string[] = [];
    // Each damaged segment quarantines one line of 134 bytes: two fit, the third rotates.
    for (let n = 1; n <= 3; n++) writeFileSync(segmentPath(dir, n, true), `{"n":${n}}\nnot json ${n}\n`);
    const { queue, logger } = open({
      quarantineMaxBytes: 300,
      onQuarantineRotated: (file) => rotated.push(file),
    });
    const warn = vi.spyOn(logger, 'warn');
    expect(await takeAll(queue, 100)).toEqual([1, 2, 3]);
    expect(rotated).toEqual(['quarantine']);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ file: 'quarantine', rotatedTo: join(dir, `${QUARANTINE_FILE}.1`) }),
      expect.stringMatching(/quarantine file rotated at its size limit/),
    );
    const older = readFileSync(join(dir, `${QUARANTINE_FILE}.1`), 'utf8')
      .trim()
      .split('\n');
    expect(older.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { line: 'not json 1' },
      { line: 'not json 2' },
    ]);
    expect(quarantined()).toMatchObject([{ line: 'not json 3', reason: 'invalid' }]);
    // Neither is taken for a segment.
    expect(open().queue.size).toBe(0);
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

  it('quarantines a record whose bytes changed on disk but still make an item, and replays its neighbours', async () => {
    const counted: Array<[string, number]> = [];
    const first = open({ memoryItems: 1, segmentBytes: 1000 }).queue;
    push(first, 1, 5);
    const [file] = segmentFiles();
    const path = join(dir, file ?? '');
    // Item 3 becomes item 8: still JSON, still an item; only the checksum can tell.
    const text = readFileSync(path, 'utf8');
    const offset = Buffer.byteLength(text.slice(0, text.indexOf('{"n":3}')), 'utf8') - 9;
    writeFileSync(path, text.replace('{"n":3}', '{"n":8}'));

    const { queue, logger } = open({
      memoryItems: 1,
      onQuarantined: (reason, count) => counted.push([reason, count]),
    });
    const error = vi.spyOn(logger, 'error');
    expect(await takeAll(queue, 100)).toEqual([2, 4, 5]);
    expect(counted).toEqual([['checksum', 1]]);
    expect(quarantined()).toEqual([
      expect.objectContaining({
        segment: file,
        offset,
        bytes: 16,
        reason: 'checksum',
        line: `${record(3).slice(0, 8)} {"n":8}`,
      }),
    ]);
    // One line per damaged record, naming the segment and the byte offset.
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ segment: file, offset, reason: 'checksum' }),
      expect.stringContaining(`${file} at byte ${offset}`),
    );
    expect(segmentFiles()).toEqual([]);
  });

  it('keeps the bytes of a damaged record that is not UTF-8 exactly (base64)', async () => {
    const bad = Buffer.from([0x30, 0x20, 0xff, 0xfe, 0x0a]);
    writeFileSync(segmentPath(dir, 3), Buffer.concat([Buffer.from(record(1)), bad, Buffer.from(record(2))]));
    const { queue } = open();
    expect(await takeAll(queue, 100)).toEqual([1, 2]);
    expect(quarantined()).toMatchObject([
      { offset: 17, bytes: 4, reason: 'checksum', lineBase64: bad.subarray(0, 4).toString('base64') },
    ]);
  });

  it('writes the memory head it keeps at close as checksummed records too', async () => {
    const first = open({ memoryItems: 10 }).queue;
    push(first, 1, 3);
    first.close();
    expect(segmentFiles()).toEqual([expect.stringMatching(/\.crc\.jsonl$/)]);
    expect(readFileSync(join(dir, segmentFiles()[0] ?? ''), 'utf8')).toBe(record(1) + record(2) + record(3));
    expect(await takeAll(open().queue)).toEqual([1, 2, 3]);
  });

  it('withholds the acks of everything queued when damage turns up in a segment of this run, and says so', async () => {
    let damage = 0;
    const { queue } = open({ memoryItems: 1, segmentBytes: 1000, onLiveDamage: () => damage++ });
    push(queue, 1, 4);
    const path = join(dir, segmentFiles()[0] ?? '');
    writeFileSync(path, readFileSync(path, 'utf8').replace('{"n":3}', '{"n":7}'));
    expect(await take(queue, 1)).toEqual({ ns: [1], replayed: false });
    expect(damage).toBe(0);
    // Its agent was never acked for 3: nothing queued now may be acked (a cumulative ack would cover 3).
    expect(await take(queue)).toEqual({ ns: [2, 4], replayed: true });
    expect(damage).toBe(1);
    push(queue, 5, 5);
    // What arrives afterwards (the agents' re-sent samples) is acked as usual.
    expect(await take(queue)).toEqual({ ns: [5], replayed: false });
  });

  it('does not call a replayed segment’s damage live (its batches are never acked anyway)', async () => {
    let damage = 0;
    const first = open({ memoryItems: 1, segmentBytes: 1000 }).queue;
    push(first, 1, 3);
    const path = join(dir, segmentFiles()[0] ?? '');
    writeFileSync(path, readFileSync(path, 'utf8').replace('{"n":2}', '{"n":5}'));
    const { queue } = open({ onLiveDamage: () => damage++ });
    expect(await takeAll(queue)).toEqual([3]);
    expect(damage).toBe(0);
  });
});
