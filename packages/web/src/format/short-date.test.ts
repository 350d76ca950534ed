import { describe, expect, it } from 'vitest';
import { formatShortDateTime } from './short-date.js';

const berlin = { locale: 'en-GB', timeZone: 'Europe/Berlin' };
const NOW = Date.parse('2024-06-01T00:00:00Z');

describe('formatShortDateTime', () => {
  it('leaves the year out within the current year, in the given zone', () => {
    expect(formatShortDateTime('2024-03-01T08:30:05Z', NOW, berlin)).toBe('1 Mar, 09:30:05');
  });

  it('shows the year of an earlier year', () => {
    expect(formatShortDateTime('2023-12-31T08:30:05Z', NOW, berlin)).toBe('31 Dec 2023, 09:30:05');
  });

  it('shows a placeholder for an invalid date', () => {
    expect(formatShortDateTime('nope', NOW, berlin)).toBe('–');
  });
});
