import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures } from '@labmgr/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger.js';
import { openSampleBuffer } from './open-buffer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labmgr-agent-open-buffer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One `run`: opens the buffer, takes `n` samples, and either dies or shuts down cleanly. */
async function run(n: number, opts: { bootId: string | null; clean?: boolean }): Promise<number[]> {
  const { seq, store } = await openSampleBuffer(dir, {
    log: silentLogger(),
    bootId: opts.bootId,
    seqBlockSize: 100,
  });
  const seqs: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = await seq.next();
    store.push(s, fixtures.sample());
    seqs.push(s);
  }
  if (opts.clean) store.close();
  return seqs;
}

describe('openSampleBuffer', () => {
  it('continues without a gap after a crash on the same boot', async () => {
    expect(await run(3, { bootId: 'a' })).toEqual([1, 2, 3]);
    expect(await run(2, { bootId: 'a' })).toEqual([4, 5]);
  });

  it('continues without a gap after a clean shutdown, even across a reboot', async () => {
    await run(3, { bootId: 'a', clean: true });
    expect(await run(1, { bootId: 'b' })).toEqual([4]);
  });

  it('skips past the reservation after a crash on an earlier boot (the tail may be lost)', async () => {
    await run(3, { bootId: 'a' });
    expect(await run(1, { bootId: 'b' })).toEqual([101]);
    // The new floor is remembered: a later crash-restart on this boot resumes after 101, not after 3.
    expect(await run(1, { bootId: 'b' })).toEqual([102]);
  });

  it('never reuses a number when a run dies before sampling after an unsafe restart', async () => {
    await run(3, { bootId: 'a' });
    await run(0, { bootId: 'b' });
    expect(await run(1, { bootId: 'b' })).toEqual([101]);
  });
});
