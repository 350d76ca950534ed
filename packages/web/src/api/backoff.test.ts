import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('grows exponentially', () => {
    const max = () => 1;
    expect(backoffDelay(0, {}, max)).toBe(500);
    expect(backoffDelay(1, {}, max)).toBe(1000);
    expect(backoffDelay(4, {}, max)).toBe(8000);
  });

  it('is capped', () => {
    expect(backoffDelay(50, { maxMs: 10_000 }, () => 1)).toBe(10_000);
  });

  it('keeps at least half the window, whatever the jitter', () => {
    expect(backoffDelay(2, {}, () => 0)).toBe(1000);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3);
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });
});
