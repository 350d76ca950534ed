import { describe, expect, it } from 'vitest';
import { AttemptLimiter, BackoffLimiter } from './login-limiter.js';

describe('AttemptLimiter', () => {
  it('counts an attempt when it is reserved, so concurrent attempts beyond the limit are refused', () => {
    let now = 0;
    const limiter = new AttemptLimiter(3, 1000, () => now);
    // Three reservations in a row, none resolved yet (the passwords are still being hashed).
    expect([1, 2, 3, 4, 5].map(() => limiter.reserve('ip|alice'))).toEqual([0, 0, 0, 1000, 1000]);
    expect(limiter.reserve('ip|bob')).toBe(0);
    now = 999;
    expect(limiter.reserve('ip|alice')).toBe(1);
    now = 1000;
    expect(limiter.reserve('ip|alice')).toBe(0);
  });

  it('forgets a key after a success; a cancelled attempt is given back', () => {
    const limiter = new AttemptLimiter(2, 1000, () => 0);
    limiter.reserve('k');
    limiter.succeed('k');
    limiter.reserve('k');
    limiter.cancel('k');
    expect(limiter.reserve('k')).toBe(0);
    expect(limiter.reserve('k')).toBe(0);
    expect(limiter.reserve('k')).toBe(1000);
  });
});

describe('BackoffLimiter', () => {
  it('lets the free failures through, then doubles the delay up to its cap', () => {
    let now = 0;
    const limiter = new BackoffLimiter({ free: 3, baseDelayMs: 1000, maxDelayMs: 8000, now: () => now });
    expect([1, 2].map(() => limiter.reserve('alice'))).toEqual([0, 0]);
    expect(limiter.reserve('alice')).toBe(0);
    // The third failure imposes the first delay, whatever the address of the next attempt.
    expect(limiter.reserve('alice')).toBe(1000);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      now += limiter.reserve('alice');
      expect(limiter.reserve('alice')).toBe(0);
      waits.push(limiter.reserve('alice'));
    }
    expect(waits).toEqual([2000, 4000, 8000, 8000, 8000, 8000]);
    expect(limiter.reserve('bob')).toBe(0);
  });

  it('is a delay, not a lock: the owner gets in once it has passed, and a success clears it', () => {
    let now = 0;
    const limiter = new BackoffLimiter({ free: 1, baseDelayMs: 1000, maxDelayMs: 60_000, now: () => now });
    for (let i = 0; i < 30; i++) now += limiter.reserve('alice') + limiter.reserve('alice');
    expect(limiter.reserve('alice')).toBeLessThanOrEqual(60_000);
    now += limiter.reserve('alice');
    expect(limiter.reserve('alice')).toBe(0);
    limiter.succeed('alice');
    expect(limiter.reserve('alice')).toBe(0);
  });

  it('forgets failures after a quiet period', () => {
    let now = 0;
    const limiter = new BackoffLimiter({ free: 1, baseDelayMs: 1000, forgetAfterMs: 5000, now: () => now });
    limiter.reserve('alice');
    expect(limiter.reserve('alice')).toBe(1000);
    now = 5000;
    expect(limiter.reserve('alice')).toBe(0);
    expect(limiter.reserve('alice')).toBe(1000);
  });
});
