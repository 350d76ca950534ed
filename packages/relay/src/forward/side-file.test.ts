import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DeadLetter, DeadLetterFile } from './dead-letter.js';
import {
  DEFAULT_SIDE_FILE_MAX_BYTES,
  SideFile,
  type SideFileName,
  type SideFileOptions,
} from './side-file.js';

// The real functions, watched: which paths are opened (a folder is opened to be fsynced).
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return { ...fs, openSync: vi.fn(fs.openSync) };
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'labmgr-side-file-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A record of exactly `bytes` bytes once written (its newline included). */
const record = (n: number, bytes = 20) =>
  JSON.stringify({ n, pad: 'x'.repeat(bytes - 16 - String(n).length) });

function open(options: Partial<SideFileOptions> = {}) {
  const logger = pino({ level: 'silent' });
  const warn = vi.spyOn(logger, 'warn');
  const error = vi.spyOn(logger, 'error');
  const rotated: SideFileName[] = [];
  const file = new SideFile({
    name: 'dead-letter',
    path: join(dir, 'sub', 'letters.jsonl'),
    maxBytes: 100,
    logger,
    onRotated: (name) => rotated.push(name),
    ...options,
  });
  return { file, warn, error, rotated };
}

/** The `n` of every line of a file, each line parsed as JSON. */
const numbers = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { n: number }).n);

describe('SideFile', () => {
  it('writes each record as a line, and makes a missing folder', () => {
    const { file, rotated } = open();
    expect(record(1)).toHaveLength(19);
    file.append([record(1), record(2)]);
    file.append([]);
    file.append([record(3)]);
    expect(numbers(file.path)).toEqual([1, 2, 3]);
    expect(statSync(file.path).size).toBe(60);
    expect((statSync(file.path).mode & 0o777).toString(8)).toBe('600');
    expect(existsSync(file.rotatedPath)).toBe(false);
    expect(rotated).toEqual([]);
  });

  it('renames the file to .1 before an append would take it past the limit, and starts a new one', () => {
    const { file, warn, rotated } = open();
    // 5 x 20 bytes: exactly at the limit, not past it.
    for (let n = 1; n <= 5; n++) file.append([record(n)]);
    expect(statSync(file.path).size).toBe(100);
    expect(rotated).toEqual([]);
    file.append([record(6)]);
    expect(rotated).toEqual(['dead-letter']);
    expect(numbers(file.rotatedPath)).toEqual([1, 2, 3, 4, 5]);
    expect(numbers(file.path)).toEqual([6]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toEqual({
      file: 'dead-letter',
      path: file.path,
      rotatedTo: file.rotatedPath,
      bytes: 100,
      maxBytes: 100,
    });
    expect(warn.mock.calls[0]?.[1]).toMatch(
      /dead-letter file rotated at its size limit: renamed to .*letters\.jsonl\.1$/,
    );
  });

  it('replaces an older .1, says it discarded it, and keeps both newer generations whole', () => {
    const { file, warn, rotated } = open();
    for (let n = 1; n <= 16; n++) file.append([record(n)]);
    // 1-5 -> .1, then 6-10 replaced them there; 11-15 and 16 are the two generations kept.
    expect(rotated).toEqual(['dead-letter', 'dead-letter', 'dead-letter']);
    expect(numbers(file.rotatedPath)).toEqual([11, 12, 13, 14, 15]);
    expect(numbers(file.path)).toEqual([16]);
    expect(readdirSync(join(dir, 'sub')).sort()).toEqual(['letters.jsonl', 'letters.jsonl.1']);
    expect(warn).toHaveBeenCalledTimes(3);
    expect(warn.mock.calls[2]?.[0]).toMatchObject({ bytes: 100, discardedBytes: 100 });
    expect(warn.mock.calls[2]?.[1]).toMatch(
      /renamed to .*letters\.jsonl\.1, its older generation there discarded$/,
    );
  });

  it('puts one append whole into one file: records of an append are never split across generations', () => {
    const { file, rotated } = open();
    file.append([record(1), record(2), record(3)]);
    file.append([record(4), record(5), record(6)]);
    expect(rotated).toHaveLength(1);
    expect(numbers(file.rotatedPath)).toEqual([1, 2, 3]);
    expect(numbers(file.path)).toEqual([4, 5, 6]);
  });

  it('still writes a record larger than the limit, alone in a fresh file', () => {
    const { file, rotated } = open();
    file.append([record(1)]);
    file.append([record(2, 250)]);
    expect(rotated).toHaveLength(1);
    expect(numbers(file.rotatedPath)).toEqual([1]);
    expect(numbers(file.path)).toEqual([2]);
    expect(statSync(file.path).size).toBe(250);
    // The next append finds the file past its limit and starts another.
    file.append([record(3)]);
    expect(rotated).toHaveLength(2);
    expect(numbers(file.rotatedPath)).toEqual([2]);
    expect(numbers(file.path)).toEqual([3]);
  });

  it('writes a record larger than the limit into an empty file without rotating', () => {
    const { file, rotated } = open();
    file.append([record(1, 300)]);
    expect(rotated).toEqual([]);
    expect(numbers(file.path)).toEqual([1]);
  });

  it('counts what an earlier run left in the file towards the limit', () => {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'letters.jsonl'), `${record(1, 90)}\n`);
    const { file, rotated } = open();
    file.append([record(2)]);
    expect(rotated).toHaveLength(1);
    expect(numbers(file.rotatedPath)).toEqual([1]);
    expect(numbers(file.path)).toEqual([2]);
  });

  it('keeps appending past the limit, with an error line, when the file cannot be renamed', () => {
    const { file, rotated, error } = open();
    // A folder with something in it where .1 would go: the rename fails.
    mkdirSync(join(dir, 'sub', 'letters.jsonl.1', 'x'), { recursive: true });
    for (let n = 1; n <= 6; n++) file.append([record(n)]);
    expect(rotated).toEqual([]);
    expect(numbers(file.path)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]?.[1]).toMatch(/cannot rotate it; appending past its size limit/);
  });

  it('fsyncs the folder when the file is created and after each rotation, not on every append', () => {
    const { file } = open();
    const folder = join(dir, 'sub');
    const folderOpens = () => vi.mocked(openSync).mock.calls.filter(([p]) => p === folder).length;
    vi.mocked(openSync).mockClear();
    file.append([record(1)]);
    expect(folderOpens()).toBe(1);
    for (let n = 2; n <= 5; n++) file.append([record(n)]);
    expect(folderOpens()).toBe(1);
    file.append([record(6)]);
    expect(folderOpens()).toBe(2);
    file.append([record(7)]);
    expect(folderOpens()).toBe(2);
  });

  it('throws when the records cannot be written', () => {
    writeFileSync(join(dir, 'sub'), 'a file where the folder should be');
    const { file } = open();
    expect(() => file.append([record(1)])).toThrow();
  });

  it('defaults to a 64 MiB limit', () => {
    expect(new SideFile({ name: 'quarantine', path: join(dir, 'q.jsonl') }).maxBytes).toBe(
      DEFAULT_SIDE_FILE_MAX_BYTES,
    );
    expect(DEFAULT_SIDE_FILE_MAX_BYTES).toBe(64 * 1024 * 1024);
  });
});

describe('DeadLetterFile', () => {
  const letter = (seq: number): DeadLetter => ({
    at: '2025-01-01T00:00:00.000Z',
    relayId: 'relay-test',
    computerId: 'c1',
    type: 'metrics',
    seq,
    receivedAt: 1,
    status: 400,
    reason: 'backend answered 400',
    body: '{"error":"bad"}',
    frame: JSON.stringify({ type: 'metrics', seq, pad: 'x'.repeat(200) }),
  });

  it('rotates at its limit, both generations holding whole, parseable letters, and reports it', () => {
    const logger = pino({ level: 'silent' });
    const warn = vi.spyOn(logger, 'warn');
    const rotated: SideFileName[] = [];
    const path = join(dir, 'relay-dead-letter', 'relay-test.jsonl');
    const file = new DeadLetterFile(path, { maxBytes: 1024, logger, onRotated: (f) => rotated.push(f) });
    for (let seq = 1; seq <= 12; seq++) file.append([letter(seq)]);
    const read = (p: string) =>
      readFileSync(p, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as DeadLetter);
    const older = read(`${path}.1`);
    const newer = read(path);
    expect(rotated.length).toBeGreaterThanOrEqual(2);
    expect(new Set(rotated)).toEqual(new Set(['dead-letter']));
    expect(statSync(path).size).toBeLessThanOrEqual(1024);
    expect(statSync(`${path}.1`).size).toBeLessThanOrEqual(1024);
    // The newest letters, in order and without a gap between the generations.
    const seqs = [...older, ...newer].map((l) => l.seq);
    expect(seqs.at(-1)).toBe(12);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 13 - seqs.length + i));
    expect(newer[0]).toEqual(letter(newer[0]?.seq ?? 0));
    expect(warn).toHaveBeenCalledTimes(rotated.length);
  });
});
