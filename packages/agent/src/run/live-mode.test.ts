import { describe, expect, it } from 'vitest';
import { LiveMode } from './live-mode.js';

describe('LiveMode', () => {
  it('uses the live interval until the lease lapses, renewed by each set', () => {
    let now = 1000;
    const live = new LiveMode(5000, () => now);
    expect(live.intervalMs()).toBe(5000);
    expect(live.status()).toBeNull();
    expect(live.set(1000, 10)).toBe(true);
    expect(live.status()).toEqual({ intervalMs: 1000, expiresAt: 11_000 });
    now = 9000;
    expect(live.set(1000, 10)).toBe(false); // renewal, same pace
    now = 18_999;
    expect(live.intervalMs()).toBe(1000);
    now = 19_000;
    expect(live.intervalMs()).toBe(5000);
    expect(live.active()).toBe(false);
  });
});
