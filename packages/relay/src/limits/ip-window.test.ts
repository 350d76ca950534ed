import { describe, expect, it } from 'vitest';
import { IpAttemptWindow } from './ip-window.js';

function attempts(window: IpAttemptWindow, ip: string, count: number, now: number) {
  const results = [];
  for (let i = 0; i < count; i += 1) results.push(window.attempt(ip, now));
  return results;
}

describe('IpAttemptWindow', () => {
  it('allows the limit per address and refuses the next one with a Retry-After', () => {
    const w = new IpAttemptWindow(3, 60_000, 0);
    expect(attempts(w, '10.0.0.1', 3, 1000).every((r) => r.allowed)).toBe(true);
    const refused = w.attempt('10.0.0.1', 1000);
    expect(refused).toEqual({ allowed: false, retryAfterSec: expect.any(Number) });
    // Another address has its own allowance.
    expect(w.attempt('10.0.0.2', 1000)).toEqual({ allowed: true });
  });

  it('does not count refused attempts, and slides: the previous window fades out', () => {
    const w = new IpAttemptWindow(4, 10_000, 0);
    attempts(w, 'a', 4, 0);
    // Hammering while refused must not push the release further away.
    for (let i = 0; i < 100; i += 1) expect(w.attempt('a', 5000).allowed).toBe(false);
    // Next window at 10 s: the 4 from before weigh 4 * (1 - elapsed/window).
    expect(w.attempt('a', 10_000).allowed).toBe(false); // 4 + 1 > 4
    expect(w.attempt('a', 12_600).allowed).toBe(true); // 4 * 0.74 = 2.96, + 1 <= 4
    expect(w.attempt('a', 12_600).allowed).toBe(false); // 2.96 + 1 + 1 > 4
    expect(w.attempt('a', 17_600).allowed).toBe(true); // 4 * 0.24 + 1 + 1 <= 4
  });

  it('tells a refused client when it may come back, and that time is right', () => {
    const w = new IpAttemptWindow(10, 60_000, 0);
    attempts(w, 'nat', 10, 30_000);
    const refused = w.attempt('nat', 30_000);
    if (refused.allowed) throw new Error('expected a refusal');
    // All 10 fell in the window starting at 0; room for one more once 1/10 of their weight faded.
    expect(refused.retryAfterSec).toBe(36); // 30 s to the roll-over + 6 s
    expect(w.attempt('nat', 30_000 + (refused.retryAfterSec - 1) * 1000).allowed).toBe(false);
    expect(w.attempt('nat', 30_000 + refused.retryAfterSec * 1000).allowed).toBe(true);
  });

  it('forgets addresses not seen for two windows', () => {
    const w = new IpAttemptWindow(5, 1000, 0);
    for (let i = 0; i < 50; i += 1) w.attempt(`10.0.0.${i}`, 0);
    expect(w.size).toBe(50);
    w.attempt('10.9.9.9', 1500);
    expect(w.size).toBe(51); // the 50 are the previous window now
    w.attempt('10.9.9.9', 5000);
    expect(w.size).toBe(1);
  });

  it('is off with a limit of 0', () => {
    const w = new IpAttemptWindow(0, 1000, 0);
    expect(attempts(w, 'x', 10_000, 0).every((r) => r.allowed)).toBe(true);
    expect(w.size).toBe(0);
  });
});
