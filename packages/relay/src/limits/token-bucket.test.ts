import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('starts full, allows a burst, then goes into debt', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([2, 1, 0]);
    expect(bucket.take(0)).toBe(-1);
    expect(bucket.take(0)).toBe(-2);
  });

  it('refills at the rate and never above the burst', () => {
    const bucket = new TokenBucket(10, 5, 0);
    for (let i = 0; i < 5; i += 1) bucket.take(0);
    expect(bucket.level(0)).toBe(0);
    expect(bucket.level(100)).toBeCloseTo(1);
    expect(bucket.level(250)).toBeCloseTo(2.5);
    expect(bucket.level(60_000)).toBe(5);
  });

  it('says how long until a level is back, capped at the burst', () => {
    const bucket = new TokenBucket(50, 10, 1000);
    for (let i = 0; i < 15; i += 1) bucket.take(1000);
    expect(bucket.level(1000)).toBe(-5);
    expect(bucket.msUntil(0, 1000)).toBe(100);
    expect(bucket.msUntil(5, 1000)).toBe(200);
    expect(bucket.msUntil(1000, 1000)).toBe(300); // up to the burst (10), not 1000
    expect(bucket.msUntil(-10, 1000)).toBe(0);
  });

  it('ignores a clock that goes backwards', () => {
    const bucket = new TokenBucket(1, 2, 5000);
    bucket.take(5000);
    bucket.take(5000);
    expect(bucket.level(1000)).toBe(0);
    expect(bucket.level(6000)).toBe(1);
  });

  it('refuses a rate or burst that cannot work', () => {
    expect(() => new TokenBucket(0, 10, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(10, 0, 0)).toThrow(RangeError);
  });
});
