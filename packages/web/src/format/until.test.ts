import { describe, expect, it } from 'vitest';
import { formatLifetime, formatUntil } from './until.js';

const NOW = Date.parse('2024-01-01T12:00:00Z');

describe('formatUntil', () => {
  it.each([
    ['2024-01-01T12:00:30Z', 'in 30 s'],
    ['2024-01-01T12:05:00Z', 'in 5 min'],
    ['2024-01-01T15:30:00Z', 'in 3 h'],
    ['2024-01-08T12:00:00Z', 'in 7 d'],
    ['2026-01-01T12:00:00Z', 'in 2 y'],
  ])('%s reads %s', (then, text) => {
    expect(formatUntil(then, NOW)).toBe(text);
  });

  it('reads a past moment as time ago', () => {
    expect(formatUntil('2024-01-01T11:00:00Z', NOW)).toBe('1 h ago');
  });

  it('shows a placeholder for an invalid date', () => {
    expect(formatUntil('not a date', NOW)).toBe('–');
  });
});

describe('formatLifetime', () => {
  it.each([
    [3600, '1 hour'],
    [8 * 3600, '8 hours'],
    [86_400, '1 day'],
    [30 * 86_400, '30 days'],
    [365 * 86_400, '1 year'],
    [90, '90 seconds'],
  ])('%d s reads %s', (seconds, text) => {
    expect(formatLifetime(seconds)).toBe(text);
  });
});
