import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthVerdictStore, type StoreLog } from './auth-store.js';

const A = { computerId: '6c3f2a1e-1b2c-4d5e-8f90-1234567890ab', hostname: 'pc-a' };
const B = { computerId: '7d4a3b2f-2c3d-4e6f-9a01-234567890abc', hostname: 'pc-b' };
const C = { computerId: '8e5b4c3a-3d4e-4f70-8b12-34567890abcd', hostname: 'pc-c' };
const DAY = 24 * 3600_000;

let dir = '';
let file = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'labmgr-auth-store-'));
  file = join(dir, 'relay-auth', 'relay-a.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

function logs() {
  const lines: Array<{ level: string; msg: string }> = [];
  const log: StoreLog = {
    warn: (_obj, msg) => lines.push({ level: 'warn', msg }),
    error: (_obj, msg) => lines.push({ level: 'error', msg }),
  };
  return { lines, log };
}

const open = (c = clock(), extra: { maxEntries?: number; log?: StoreLog } = {}) =>
  new AuthVerdictStore({ file, maxAgeMs: 7 * DAY, now: c.now, ...extra });

describe('AuthVerdictStore', () => {
  it('keeps verdicts across a restart in a 0600 file holding hashes, never credentials', async () => {
    const c = clock();
    const store = open(c);
    store.put('hash-of-a', A);
    await store.close();

    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'relay-auth')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      version: 1,
      verdicts: [{ key: 'hash-of-a', ...A, verifiedAt: c.t }],
    });
    expect(open(c).get('hash-of-a')).toEqual({ agent: A, verifiedAt: c.t });
  });

  it('writes additions in batches, not one write per verdict', async () => {
    const store = new AuthVerdictStore({ file, maxAgeMs: DAY, flushMs: 60_000 });
    store.put('a', A);
    store.put('b', B);
    await new Promise((r) => setTimeout(r, 50));
    expect(() => statSync(file)).toThrow();
    await store.flush();
    expect(new AuthVerdictStore({ file, maxAgeMs: DAY }).size).toBe(2);
    await store.close();
  });

  it('writes a removal at once', async () => {
    const store = new AuthVerdictStore({ file, maxAgeMs: DAY, flushMs: 60_000 });
    store.put('a', A);
    store.put('b', B);
    await store.flush();
    expect(store.delete('a')).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    // No flush or close: the removal is on disk already.
    const reread = new AuthVerdictStore({ file, maxAgeMs: DAY });
    expect(reread.get('a')).toBeUndefined();
    expect(reread.get('b')?.agent).toEqual(B);
    await store.close();
  });

  it('is bounded: the least recently confirmed verdict goes first', async () => {
    const c = clock();
    const store = open(c, { maxEntries: 2 });
    store.put('a', A);
    c.t += 1;
    store.put('b', B);
    c.t += 1;
    store.put('a', A); // confirmed again: now the newest
    c.t += 1;
    store.put('c', C);
    expect(store.size).toBe(2);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')?.agent).toEqual(A);
    await store.close();
    // Also when reading a file with more than the bound (a lower bound after a restart).
    const fewer = open(c, { maxEntries: 1 });
    expect(fewer.size).toBe(1);
    expect(fewer.get('c')?.agent).toEqual(C);
  });

  it('never returns a verdict older than the maximum age, nor loads one', async () => {
    const c = clock();
    const store = open(c);
    store.put('a', A);
    c.t += DAY;
    store.put('b', B);
    await store.flush();
    c.t += 6 * DAY;
    expect(store.get('a')?.agent).toEqual(A); // exactly 7 days
    c.t += 1;
    expect(store.get('a')).toBeUndefined();
    const reread = open(c);
    expect(reread.size).toBe(1);
    expect(reread.get('b')?.agent).toEqual(B);
    await store.close();
  });

  it('forgets every verdict of a revoked computer', async () => {
    const store = open();
    store.put('a1', A);
    store.put('a2', A);
    store.put('b', B);
    expect(store.deleteComputer(A.computerId)).toBe(2);
    expect(store.deleteComputer(A.computerId)).toBe(0);
    await store.close();
    const reread = open();
    expect(reread.get('a1')).toBeUndefined();
    expect(reread.get('a2')).toBeUndefined();
    expect(reread.get('b')?.agent).toEqual(B);
  });

  it('ignores a corrupted file with a log line, and replaces it on the next write', async () => {
    const { lines, log } = logs();
    mkdirSync(join(dir, 'relay-auth'));
    writeFileSync(file, '{"version":1,"verdicts":[{"key":"a","computerId"', { mode: 0o600 });
    const store = open(clock(), { log });
    expect(store.size).toBe(0);
    expect(lines).toEqual([{ level: 'warn', msg: expect.stringMatching(/corrupted; ignoring them/) }]);
    store.put('b', B);
    await store.close();
    expect(open().get('b')?.agent).toEqual(B);
  });

  it('skips malformed entries of an otherwise readable file', () => {
    const c = clock();
    mkdirSync(join(dir, 'relay-auth'));
    const verdicts = [
      { key: 'good', ...A, verifiedAt: c.t },
      { key: 'bad-id', computerId: 'nope', hostname: 'x', verifiedAt: c.t },
      { key: 'no-time', ...B },
      'not an object',
    ];
    writeFileSync(file, JSON.stringify({ version: 1, verdicts }));
    const store = open(c);
    expect(store.size).toBe(1);
    expect(store.get('good')?.agent).toEqual(A);
  });

  it('logs a write it cannot make and keeps the verdicts in memory', async () => {
    const { lines, log } = logs();
    // The store's folder is a file: it cannot be created.
    writeFileSync(join(dir, 'relay-auth'), 'in the way');
    const store = open(clock(), { log });
    store.put('a', A);
    await store.flush();
    expect(lines.some((l) => l.level === 'error' && /cannot write/.test(l.msg))).toBe(true);
    expect(store.get('a')?.agent).toEqual(A);
  });
});
