import type { MetricPoint, MetricSeries } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { historyColumns, pointStep, rangeWindow, zoomWindow } from './history-model.js';

const T0 = Date.UTC(2024, 0, 10, 12, 0, 0);

function point(sec: number, cpu: number, extra: Partial<MetricPoint> = {}): MetricPoint {
  return {
    at: new Date(T0 + sec * 1000).toISOString(),
    seq: sec,
    cpuPercent: cpu,
    memUsedBytes: 1,
    memTotalBytes: 2,
    diskUsedBytes: 3,
    diskTotalBytes: 4,
    load1: 0.5,
    netRxBytesPerSec: 5,
    netTxBytesPerSec: 6,
    ...extra,
  };
}

function series(resolution: MetricSeries['resolution'], points: MetricPoint[]): MetricSeries {
  return {
    computerId: '00000000-0000-4000-8000-000000000000',
    from: new Date(T0).toISOString(),
    to: new Date(T0 + 3600_000).toISOString(),
    resolution,
    points,
  };
}

describe('rangeWindow', () => {
  it('ends now (rounded up to 10 s) and spans the range', () => {
    const w = rangeWindow('24h', T0 + 1234);
    expect(w.to).toBe(T0 + 10_000);
    expect(w.to - w.from).toBe(86_400_000);
  });

  it('asks for the same window within the same 10 seconds', () => {
    expect(rangeWindow('1h', T0 + 1000)).toEqual(rangeWindow('1h', T0 + 9000));
  });
});

describe('zoomWindow', () => {
  it('turns chart seconds into milliseconds, in order', () => {
    expect(zoomWindow(T0 / 1000 + 600, T0 / 1000)).toEqual({ from: T0, to: T0 + 600_000 });
  });

  it('widens a tiny selection to a minute around its middle', () => {
    const w = zoomWindow(T0 / 1000, T0 / 1000 + 2);
    expect(w.to - w.from).toBe(60_000);
    expect((w.from + w.to) / 2).toBe(T0 + 1000);
  });
});

describe('pointStep', () => {
  it('is the bucket size of rolled-up data and the median gap of raw samples', () => {
    expect(pointStep('1h', [])).toBe(3600);
    expect(pointStep('raw', [0, 10, 20, 30, 500])).toBe(10);
  });
});

describe('historyColumns', () => {
  it('breaks the line where the computer was silent', () => {
    const c = historyColumns(series('raw', [point(0, 10), point(10, 20), point(20, 30), point(600, 40)]));
    expect(c.cpu).toEqual([10, 20, 30, null, 40]);
    expect(c.times[3]).toBe(T0 / 1000 + 30);
    expect(c.cpuMax).toBeNull();
  });

  it('keeps each bucket maximum for rolled-up data', () => {
    const max = { ...point(0, 0), cpuPercent: 95 };
    const c = historyColumns(series('1m', [point(0, 10, { max, samples: 6 }), point(60, 20)]));
    expect(c.cpuMax).toEqual([95, 20]);
    expect(c.netRx).toEqual([5, 5]);
  });
});
