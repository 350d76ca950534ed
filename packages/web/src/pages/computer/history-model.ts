import type { MetricPoint, MetricResolution, MetricSeries } from '@labmgr/protocol';

/** The ranges the history charts offer. */
export const HISTORY_RANGES = [
  { value: '1h', label: '1 h', seconds: 3600 },
  { value: '24h', label: '24 h', seconds: 86_400 },
  { value: '7d', label: '7 d', seconds: 7 * 86_400 },
  { value: '30d', label: '30 d', seconds: 30 * 86_400 },
] as const;

export type HistoryRange = (typeof HISTORY_RANGES)[number]['value'];

/** A time span in epoch milliseconds. */
export interface TimeWindow {
  from: number;
  to: number;
}

/**
 * The span a range covers, ending now. `to` is rounded up to the next 10
 * seconds so re-renders within those seconds ask for the same (cached) data.
 */
export function rangeWindow(range: HistoryRange, now: number): TimeWindow {
  const seconds = HISTORY_RANGES.find((r) => r.value === range)?.seconds ?? 3600;
  const to = Math.ceil(now / 10_000) * 10_000;
  return { from: to - seconds * 1000, to };
}

/** Shortest span a zoom may narrow to (below it the raw samples are too few to chart). */
export const MIN_ZOOM_MS = 60_000;

/** A drag-selected span (epoch seconds, from the chart) as a window, at least a minute wide. */
export function zoomWindow(fromSec: number, toSec: number): TimeWindow {
  const from = Math.round(Math.min(fromSec, toSec) * 1000);
  const to = Math.round(Math.max(fromSec, toSec) * 1000);
  if (to - from >= MIN_ZOOM_MS) return { from, to };
  const mid = (from + to) / 2;
  return { from: Math.round(mid - MIN_ZOOM_MS / 2), to: Math.round(mid + MIN_ZOOM_MS / 2) };
}

const STEP_SEC: Record<Exclude<MetricResolution, 'raw'>, number> = { '1m': 60, '1h': 3600 };

/** Typical seconds between points: the bucket size, or for raw samples the median gap. */
export function pointStep(resolution: MetricResolution, times: readonly number[]): number {
  if (resolution !== 'raw') return STEP_SEC[resolution];
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push((times[i] ?? 0) - (times[i - 1] ?? 0));
  if (gaps.length === 0) return 10;
  gaps.sort((x, y) => x - y);
  return Math.max(1, gaps[Math.floor(gaps.length / 2)] ?? 10);
}

/** The history charts' columns: times (epoch s) and one array per figure, null across gaps. */
export interface HistoryColumns {
  times: number[];
  cpu: (number | null)[];
  /** Highest CPU within each bucket; absent for raw samples. */
  cpuMax: (number | null)[] | null;
  memUsed: (number | null)[];
  memTotal: (number | null)[];
  load1: (number | null)[];
  netRx: (number | null)[];
  netTx: (number | null)[];
  diskUsed: (number | null)[];
  diskTotal: (number | null)[];
}

/**
 * Series points as chart columns. Where the computer was silent for more than
 * three steps (switched off, disconnected) a null point breaks the line, so
 * the chart shows a gap instead of a straight line across the outage.
 */
export function historyColumns(series: MetricSeries): HistoryColumns {
  const rolled = series.resolution !== 'raw';
  const times0 = series.points.map((p) => Date.parse(p.at) / 1000);
  const step = pointStep(series.resolution, times0);
  const c: HistoryColumns = {
    times: [],
    cpu: [],
    cpuMax: rolled ? [] : null,
    memUsed: [],
    memTotal: [],
    load1: [],
    netRx: [],
    netTx: [],
    diskUsed: [],
    diskTotal: [],
  };
  const push = (t: number, p: MetricPoint | null) => {
    c.times.push(t);
    c.cpu.push(p ? p.cpuPercent : null);
    c.cpuMax?.push(p ? (p.max?.cpuPercent ?? p.cpuPercent) : null);
    c.memUsed.push(p ? p.memUsedBytes : null);
    c.memTotal.push(p ? p.memTotalBytes : null);
    c.load1.push(p ? p.load1 : null);
    c.netRx.push(p ? p.netRxBytesPerSec : null);
    c.netTx.push(p ? p.netTxBytesPerSec : null);
    c.diskUsed.push(p ? p.diskUsedBytes : null);
    c.diskTotal.push(p ? p.diskTotalBytes : null);
  };
  series.points.forEach((point, i) => {
    const t = times0[i] ?? 0;
    const previous = times0[i - 1];
    if (previous !== undefined && t - previous > 3 * step) push(previous + step, null);
    push(t, point);
  });
  return c;
}

const RESOLUTION_LABEL: Record<MetricResolution, string> = {
  raw: 'every sample',
  '1m': '1-minute averages',
  '1h': '1-hour averages',
};

export function resolutionLabel(resolution: MetricResolution): string {
  return RESOLUTION_LABEL[resolution];
}
