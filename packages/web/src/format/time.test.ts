import { describe, expect, it } from 'vitest';
import { formatDateTime, formatRelative, formatUptime } from './time.js';

describe('formatUptime', () => {
  it.each([
    [0, '0 s'],
    [42, '42 s'],
    [600, '10 min'],
    [3600, '1 h'],
    [4500, '1 h 15 min'],
    [86_400, '1 d'],
    [273_600, '3 d 4 h'],
    [400 * 86_400 + 3600, '400 d 1 h'],
  ])('%d s reads %s', (seconds, text) => {
    expect(formatUptime(seconds)).toBe(text);
  });

  it('shows a placeholder for negative values', () => {
    expect(formatUptime(-1)).toBe('–');
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2024-01-10T12:00:00Z');

  it.each([
    ['2024-01-10T12:00:00Z', 'just now'],
    ['2024-01-10T12:00:03Z', 'just now'],
    ['2024-01-10T11:59:30Z', '30 s ago'],
    ['2024-01-10T11:54:30Z', '5 min ago'],
    ['2024-01-10T09:00:00Z', '3 h ago'],
    ['2024-01-08T12:00:00Z', '2 d ago'],
    ['2022-01-01T00:00:00Z', '2 y ago'],
  ])('%s reads %s', (then, text) => {
    expect(formatRelative(then, now)).toBe(text);
  });

  it('understands offsets and epoch milliseconds', () => {
    expect(formatRelative('2024-01-10T13:55:00+02:00', now)).toBe('5 min ago');
    expect(formatRelative(now - 90_000, now)).toBe('1 min ago');
  });

  it('shows a placeholder for garbage', () => {
    expect(formatRelative('yesterday', now)).toBe('–');
  });
});

describe('formatDateTime', () => {
  it('renders in the given time zone', () => {
    const text = formatDateTime('2024-03-01T08:30:00Z', { locale: 'en-GB', timeZone: 'Europe/Berlin' });
    expect(text).toContain('09:30:00');
    expect(text).toContain('2024');
  });

  it('differs between time zones', () => {
    const at = '2024-03-01T08:30:00Z';
    expect(formatDateTime(at, { locale: 'en-GB', timeZone: 'UTC' })).toContain('08:30:00');
    expect(formatDateTime(at, { locale: 'en-GB', timeZone: 'America/New_York' })).toContain('03:30:00');
  });
});
