import { fixtures } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { WatchedSamples } from './watched-samples.js';

describe('WatchedSamples', () => {
  it('keeps samples only of watched computers, the newest, until 10 minutes after the watch lapsed', () => {
    let now = 1_000_000;
    const w = new WatchedSamples(() => now);
    expect(w.offer('a', fixtures.sample(now))).toBeNull();
    w.watch('a', 60);
    expect(w.offer('a', fixtures.sample(now + 1000))?.at).toBe(now + 1000);
    expect(w.offer('a', fixtures.sample(now))).toBeNull(); // older than the one kept
    expect(w.latest('a')?.at).toBe(now + 1000);
    expect(w.latest('b')).toBeNull();
    now += 61_000;
    expect(w.isWatched('a')).toBe(false);
    expect(w.offer('a', fixtures.sample(now))).toBeNull();
    expect(w.latest('a')?.at).toBe(1_001_000);
    now += 10 * 60_000;
    expect(w.latest('a')).toBeNull();
  });

  it('fills in the top-process lists of a sample that has none from the one before', () => {
    const now = 1_000_000;
    const w = new WatchedSamples(() => now);
    w.watch('a', 60);
    const { topProcesses: _, ...bare } = fixtures.sample(now);
    // None known yet: pushed as it came.
    expect(w.offer('a', bare)?.topProcesses).toBeUndefined();
    const full = fixtures.sample(now + 1000);
    expect(w.offer('a', full)?.topProcesses).toEqual(full.topProcesses);
    const later = w.offer('a', { ...bare, at: now + 2000 });
    expect(later?.at).toBe(now + 2000);
    expect(later?.topProcesses).toEqual(full.topProcesses);
    expect(w.latest('a')?.topProcesses).toEqual(full.topProcesses);
  });
});
