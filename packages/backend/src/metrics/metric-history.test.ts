import { describe, expect, it } from 'vitest';
import { chooseResolution } from './metric-history.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const limits = { retentionRawHours: 48, retentionMinuteDays: 30, retentionHourDays: 365 };

describe('chooseResolution', () => {
  const now = Date.UTC(2026, 10, 25, 12);
  const pick = (fromAgo: number, toAgo = 0) => chooseResolution(now - fromAgo, now - toAgo, now, limits);

  it('uses raw samples up to 2 h, 1-minute buckets up to 7 d, hours beyond', () => {
    expect(pick(HOUR)).toBe('raw');
    expect(pick(2 * HOUR)).toBe('raw');
    expect(pick(2 * HOUR + 1)).toBe('1m');
    expect(pick(DAY)).toBe('1m');
    expect(pick(7 * DAY)).toBe('1m');
    expect(pick(7 * DAY + 1)).toBe('1h');
    expect(pick(365 * DAY)).toBe('1h');
  });

  it('goes coarser when the finer level no longer holds the start of the range', () => {
    expect(pick(49 * HOUR, 48 * HOUR)).toBe('1m');
    expect(pick(48 * HOUR, 47 * HOUR)).toBe('raw');
    expect(pick(31 * DAY, 30 * DAY + 23 * HOUR)).toBe('1h');
    expect(chooseResolution(now - 3 * HOUR, now - 2 * HOUR, now, { ...limits, retentionRawHours: 2 })).toBe(
      '1m',
    );
  });
});
