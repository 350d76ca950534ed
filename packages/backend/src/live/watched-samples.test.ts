import { fixtures } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { WatchedSamples } from './watched-samples.js';

describe('WatchedSamples', () => {
  it('keeps samples only of watched computers, the newest, until 10 minutes after the watch lapsed', () => {
    let now = 1_000_000;
    const w = new WatchedSamples(() => now);
    expect(w.offer('a', fixtures.sample(now))).toBe(false);
    w.watch('a', 60);
    expect(w.offer('a', fixtures.sample(now + 1000))).toBe(true);
    expect(w.offer('a', fixtures.sample(now))).toBe(false); // older than the one kept
    expect(w.latest('a')?.at).toBe(now + 1000);
    expect(w.latest('b')).toBeNull();
    now += 61_000;
    expect(w.isWatched('a')).toBe(false);
    expect(w.offer('a', fixtures.sample(now))).toBe(false);
    expect(w.latest('a')?.at).toBe(1_001_000);
    now += 10 * 60_000;
    expect(w.latest('a')).toBeNull();
  });
});
