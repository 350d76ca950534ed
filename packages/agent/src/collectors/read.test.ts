import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeptFile, readText, readValue, toInt } from './read.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-read-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readText', () => {
  it('reads files larger than the shared buffer, single record or not', async () => {
    const big = 'x'.repeat(100_000);
    await writeFile(join(dir, 'big'), big);
    expect(readText(join(dir, 'big'))).toBe(big);
    expect(readText(join(dir, 'big'), 'single')).toBe(big);
    expect(readText(join(dir, 'big'), 512)).toBe(big);
    expect(readText(join(dir, 'missing'))).toBeNull();
    expect(readText(dir)).toBeNull();
  });

  it('trims one-value attributes and parses integers', async () => {
    await writeFile(join(dir, 'speed'), '1000\n');
    expect(readValue(join(dir, 'speed'))).toBe('1000');
    expect(toInt(readValue(join(dir, 'speed')))).toBe(1000);
    expect(toInt('-1')).toBe(-1);
    expect(toInt('1.5')).toBeNull();
  });
});

describe('KeptFile', () => {
  it('returns the current content on every read, and recovers when the file comes back', async () => {
    const path = join(dir, 'value');
    await writeFile(path, 'one\n');
    const file = new KeptFile(path, 'single');
    expect(file.read()).toBe('one\n');
    await writeFile(path, 'two, longer\n');
    expect(file.read()).toBe('two, longer\n');
    file.close();
    await rm(path);
    expect(file.read()).toBeNull();
    await writeFile(path, 'three\n');
    expect(file.read()).toBe('three\n');
    file.close();
  });

  it.runIf(process.platform === 'linux')('reads multi-record procfs files in full, again and again', () => {
    // Multi-record seq_files come a page per read: all pages must be read, each time.
    const ends = {
      '/proc/self/mounts': 'unknown',
      '/proc/net/dev': 512,
      '/proc/diskstats': 512,
      '/proc/stat': 'single',
    } as const;
    for (const [name, end] of Object.entries(ends)) {
      const file = new KeptFile(name, end);
      const first = file.read() ?? '';
      const lines = readFileSync(name, 'utf8').split('\n').length;
      expect(first.split('\n').length).toBe(lines);
      expect((file.read() ?? '').split('\n').length).toBe(lines);
      file.close();
    }
    // /proc/self/maps of a Node process spans many pages (lines < 512 bytes): the tail must be there too.
    const maps = new KeptFile('/proc/self/maps', 512);
    const text = maps.read() ?? '';
    maps.close();
    expect(text.length).toBeGreaterThan(2 * 4096);
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      readFileSync('/proc/self/maps', 'utf8').trimEnd().split('\n').at(-1),
    );
  });
});
