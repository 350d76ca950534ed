import { describe, expect, it } from 'vitest';
import { GIB } from '../../format/bytes.js';
import { chartMax, formatChartTick, formatChartValue, formatTimeTick } from './chart-units.js';

describe('formatChartValue', () => {
  it('reads each unit in human terms', () => {
    expect(formatChartValue('percent', 12.34)).toBe('12.3 %');
    expect(formatChartValue('bytes', 6 * GIB)).toBe('6.0 GiB');
    expect(formatChartValue('bytesPerSec', 1536)).toBe('1.5 KiB/s');
    expect(formatChartValue('bitsFromBytesPerSec', 1_250_000)).toBe('10.0 Mbit/s');
    expect(formatChartValue('load', 0.5)).toBe('0.50');
  });

  it('shows a placeholder where there is no value', () => {
    expect(formatChartValue('percent', null)).toBe('–');
    expect(formatChartValue('bytes', undefined)).toBe('–');
  });
});

describe('formatChartTick', () => {
  it('drops a trailing .0 and rounds percentages', () => {
    expect(formatChartTick('bytes', 2 * GIB)).toBe('2 GiB');
    expect(formatChartTick('bytes', 1.5 * GIB)).toBe('1.5 GiB');
    expect(formatChartTick('percent', 40)).toBe('40 %');
    expect(formatChartTick('bitsFromBytesPerSec', 125_000)).toBe('1 Mbit/s');
    expect(formatChartTick('load', 2)).toBe('2');
    expect(formatChartTick('load', 0.25)).toBe('0.3');
  });
});

describe('chartMax', () => {
  it('pins percentages to 100 and gives other units headroom and a floor', () => {
    expect(chartMax('percent', 12)).toBe(100);
    expect(chartMax('bytes', 10 * GIB)).toBeCloseTo(11 * GIB);
    expect(chartMax('load', 0.1)).toBe(1);
    expect(chartMax('bitsFromBytesPerSec', 0)).toBe(1024);
  });
});

describe('formatTimeTick', () => {
  const t = Date.UTC(2024, 2, 1, 8, 30, 15) / 1000;
  it('shows seconds only for short spans and the date for long ones', () => {
    expect(formatTimeTick(t, 120)).toMatch(/\d.\d\d.\d\d/);
    expect(formatTimeTick(t, 300)).not.toMatch(/\d.\d\d.\d\d/);
    expect(formatTimeTick(t, 86_400)).not.toMatch(/\d.\d\d.\d\d/);
    expect(formatTimeTick(t, 7 * 86_400)).toMatch(/Mar|1/);
  });
});
