import { describe, expect, it } from 'vitest';
import { formatCpuSpeed, formatLinkSpeed, ipv4WithPrefixes } from './inventory-format.js';

describe('formatCpuSpeed', () => {
  it('uses GHz from 1000 MHz', () => {
    expect(formatCpuSpeed(3100)).toBe('3.10 GHz');
    expect(formatCpuSpeed(800)).toBe('800 MHz');
  });
});

describe('formatLinkSpeed', () => {
  it('reads like network gear', () => {
    expect(formatLinkSpeed(100)).toBe('100 Mbit/s');
    expect(formatLinkSpeed(1000)).toBe('1 Gbit/s');
    expect(formatLinkSpeed(2500)).toBe('2.5 Gbit/s');
  });
});

describe('ipv4WithPrefixes', () => {
  it('adds the prefix to each address that has one', () => {
    expect(ipv4WithPrefixes({ ipv4: ['10.0.0.21', '192.0.2.7'], ipv4Cidr: ['10.0.0.21/24'] })).toEqual([
      '10.0.0.21/24',
      '192.0.2.7',
    ]);
  });

  it('keeps plain addresses from older agents', () => {
    expect(ipv4WithPrefixes({ ipv4: ['10.0.0.21'] })).toEqual(['10.0.0.21']);
  });
});
