import { describe, expect, it } from 'vitest';
import { parseLoadavg, parseUptime } from './load.js';
import { memoryMetrics, parseMeminfo, SAMPLE_MEMINFO_KEYS } from './memory.js';

const MEMINFO = `MemTotal:       16318488 kB
MemFree:          812344 kB
MemAvailable:    9874512 kB
Buffers:          402112 kB
Cached:          8404928 kB
SwapCached:         1024 kB
Active:          6312336 kB
Inactive(file):  3925484 kB
SwapTotal:       2097148 kB
SwapFree:        1048574 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
`;

const KiB = 1024;

describe('meminfo', () => {
  it('parses kB fields as KiB and unit-less fields as counts', () => {
    const fields = parseMeminfo(MEMINFO);
    expect(fields.get('MemTotal')).toBe(16318488 * KiB);
    expect(fields.get('Inactive(file)')).toBe(3925484 * KiB);
    expect(fields.get('HugePages_Total')).toBe(0);
  });

  it('computes used as total minus available, and swap used', () => {
    expect(memoryMetrics(parseMeminfo(MEMINFO))).toEqual({
      totalBytes: 16318488 * KiB,
      usedBytes: (16318488 - 9874512) * KiB,
      availableBytes: 9874512 * KiB,
      cachedBytes: 8404928 * KiB,
      buffersBytes: 402112 * KiB,
      swapTotalBytes: 2097148 * KiB,
      swapUsedBytes: (2097148 - 1048574) * KiB,
    });
  });

  it('looks up only the requested keys, with the same values', () => {
    const all = parseMeminfo(MEMINFO);
    const some = parseMeminfo(MEMINFO, [...SAMPLE_MEMINFO_KEYS, 'NoSuchField']);
    expect([...some.keys()].sort()).toEqual([...SAMPLE_MEMINFO_KEYS].sort());
    for (const [key, value] of some) expect(value).toBe(all.get(key));
    expect(memoryMetrics(some)).toEqual(memoryMetrics(all));
    // A key that only appears inside another line's name is not matched.
    expect(parseMeminfo('SwapCached: 5 kB\n', ['Cached']).size).toBe(0);
  });

  it('approximates available on kernels without MemAvailable', () => {
    const old = MEMINFO.replace(/^MemAvailable:.*\n/m, '');
    expect(memoryMetrics(parseMeminfo(old)).availableBytes).toBe((812344 + 402112 + 8404928) * KiB);
  });

  it('yields zeros rather than nonsense for an empty file', () => {
    expect(memoryMetrics(parseMeminfo(''))).toEqual({
      totalBytes: 0,
      usedBytes: 0,
      availableBytes: 0,
      cachedBytes: 0,
      buffersBytes: 0,
      swapTotalBytes: 0,
      swapUsedBytes: 0,
    });
  });
});

describe('loadavg and uptime', () => {
  it('parses /proc/loadavg', () => {
    expect(parseLoadavg('0.52 0.58 1.59 1/467 12345\n')).toEqual([0.52, 0.58, 1.59]);
    expect(parseLoadavg('')).toEqual([0, 0, 0]);
  });

  it('parses /proc/uptime', () => {
    expect(parseUptime('35712.45 138233.10\n')).toBe(35712.45);
    expect(parseUptime('garbage')).toBe(0);
  });
});
