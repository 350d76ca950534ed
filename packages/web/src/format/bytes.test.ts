import { describe, expect, it } from 'vitest';
import { formatBitRate, formatBytes, formatBytesPair, formatGiBPair, GIB, MISSING } from './bytes.js';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1536, '1.5 KiB'],
    [16 * GIB, '16.0 GiB'],
    [480e9, '447 GiB'],
    [2 * 1024 ** 4, '2.0 TiB'],
  ])('%d bytes reads %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('shows a placeholder for impossible values', () => {
    expect(formatBytes(Number.NaN)).toBe(MISSING);
    expect(formatBytes(-1)).toBe(MISSING);
  });
});

describe('formatGiBPair', () => {
  it('always uses GiB with one decimal', () => {
    expect(formatGiBPair(6 * GIB, 16 * GIB)).toBe('6.0 / 16.0 GiB');
    expect(formatGiBPair(0.25 * GIB, 0.5 * GIB)).toBe('0.3 / 0.5 GiB');
  });
});

describe('formatBytesPair', () => {
  it('picks the unit from the total', () => {
    expect(formatBytesPair(120e9, 480e9)).toBe('112 / 447 GiB');
    expect(formatBytesPair(1.2 * 1024 ** 4, 1.8 * 1024 ** 4)).toBe('1.2 / 1.8 TiB');
    expect(formatBytesPair(512 * 1024 ** 2, 2 * GIB)).toBe('0.5 / 2.0 GiB');
  });

  it('handles an empty disk', () => {
    expect(formatBytesPair(0, 0)).toBe('0 / 0 B');
  });
});

describe('formatBitRate', () => {
  it.each([
    [0, '0 bit/s'],
    [100, '800 bit/s'],
    [1200, '9.6 kbit/s'],
    [1_250_000, '10.0 Mbit/s'],
    [12_500_000, '100 Mbit/s'],
    [125_000_000, '1.0 Gbit/s'],
  ])('%d B/s reads %s', (rate, text) => {
    expect(formatBitRate(rate)).toBe(text);
  });

  it('never shows 1000 of a unit', () => {
    expect(formatBitRate(124_999.9)).toBe('1.0 Mbit/s');
  });
});
