import { describe, expect, it } from 'vitest';
import { clampPercent, formatLoad, formatPercent, USAGE_COLOR, usageLevel, usagePercent } from './percent.js';

describe('formatPercent', () => {
  it('shows one decimal and a spaced percent sign', () => {
    expect(formatPercent(12.345)).toBe('12.3 %');
    expect(formatPercent(0)).toBe('0.0 %');
    expect(formatPercent(100)).toBe('100.0 %');
  });

  it('shows a placeholder for NaN', () => {
    expect(formatPercent(Number.NaN)).toBe('–');
  });
});

describe('usagePercent', () => {
  it('divides and clamps', () => {
    expect(usagePercent(6, 16)).toBe(37.5);
    expect(usagePercent(17, 16)).toBe(100);
  });

  it('is 0 when the total is unknown', () => {
    expect(usagePercent(5, 0)).toBe(0);
  });
});

describe('clampPercent', () => {
  it('keeps values inside 0–100', () => {
    expect(clampPercent(-3)).toBe(0);
    expect(clampPercent(100.4)).toBe(100);
    expect(clampPercent(Number.POSITIVE_INFINITY)).toBe(0);
  });
});

describe('usageLevel', () => {
  it('is green below 70 %, yellow below 90 %, red from 90 %', () => {
    expect(USAGE_COLOR[usageLevel(0)]).toBe('green');
    expect(USAGE_COLOR[usageLevel(69.9)]).toBe('green');
    expect(USAGE_COLOR[usageLevel(70)]).toBe('yellow');
    expect(USAGE_COLOR[usageLevel(89.9)]).toBe('yellow');
    expect(USAGE_COLOR[usageLevel(90)]).toBe('red');
    expect(USAGE_COLOR[usageLevel(100)]).toBe('red');
  });
});

describe('formatLoad', () => {
  it('shows two decimals', () => {
    expect(formatLoad(0.5)).toBe('0.50');
    expect(formatLoad(12)).toBe('12.00');
  });
});
