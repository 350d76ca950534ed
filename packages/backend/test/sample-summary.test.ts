import { fixtures } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { summarizeSample } from './latest-metrics.js';

describe('summarizeSample', () => {
  it('sums filesystems and interfaces and keeps the headline figures', () => {
    const sample = fixtures.sample(Date.UTC(2026, 0, 1), 42);
    sample.filesystems.push({
      mount: '/home',
      fsType: 'ext4',
      totalBytes: 20,
      usedBytes: 5,
      inodesTotal: 0,
      inodesUsed: 0,
    });
    sample.network.push({
      iface: 'wlan0',
      rxBytesPerSec: 1,
      txBytesPerSec: 2,
      rxPacketsPerSec: 0,
      txPacketsPerSec: 0,
      rxErrors: 0,
      txErrors: 0,
      rxDrops: 0,
      txDrops: 0,
    });
    expect(summarizeSample(sample)).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      cpuPercent: 42,
      memUsedBytes: sample.memory.usedBytes,
      memTotalBytes: sample.memory.totalBytes,
      diskUsedBytes: 120e9 + 5,
      diskTotalBytes: 480e9 + 20,
      load1: 0.5,
      netRxBytesPerSec: 1201,
      netTxBytesPerSec: 802,
      uptimeSec: 3600,
    });
  });

  it('reports zero disk and network for a computer with neither', () => {
    const sample = { ...fixtures.sample(), filesystems: [], network: [] };
    expect(summarizeSample(sample)).toMatchObject({
      diskUsedBytes: 0,
      diskTotalBytes: 0,
      netRxBytesPerSec: 0,
    });
  });
});
