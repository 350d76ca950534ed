import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, fullJitterDelay } from './backoff.js';

const almostOne = 1 - Number.EPSILON;

describe('fullJitterDelay', () => {
  it('doubles the ceiling with each attempt', () => {
    expect([0, 1, 2, 3, 4].map((a) => fullJitterDelay(a, DEFAULT_BACKOFF, () => almostOne))).toEqual([
      999, 1999, 3999, 7999, 15999,
    ]);
  });

  it('never exceeds the cap, even after very many attempts', () => {
    for (const attempt of [6, 7, 50, 10_000, Number.MAX_SAFE_INTEGER]) {
      expect(fullJitterDelay(attempt, DEFAULT_BACKOFF, () => almostOne)).toBeLessThan(60_000);
    }
    expect(fullJitterDelay(6, DEFAULT_BACKOFF, () => 0.5)).toBe(30_000);
  });

  it('can be zero: the jitter covers the whole range', () => {
    expect(fullJitterDelay(5, DEFAULT_BACKOFF, () => 0)).toBe(0);
  });

  it('stays within [0, ceiling) for random draws and actually varies', () => {
    const delays = Array.from({ length: 200 }, () => fullJitterDelay(3));
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(8000);
    }
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it('treats a negative attempt as the first', () => {
    expect(fullJitterDelay(-3, { baseMs: 100, capMs: 1000 }, () => almostOne)).toBe(99);
  });
});
