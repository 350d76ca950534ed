import type { MetricSample } from '@labmgr/protocol';

/** /proc/loadavg: "0.52 0.58 0.59 1/467 12345" → the three load averages. */
export function parseLoadavg(text: string): MetricSample['load'] {
  const [a, b, c] = text.trim().split(/\s+/).map(nonNegative);
  return [a ?? 0, b ?? 0, c ?? 0];
}

/** /proc/uptime: "12345.67 54321.00" → seconds since boot. */
export function parseUptime(text: string): number {
  return nonNegative(text.trim().split(/\s+/)[0]);
}

function nonNegative(value: string | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
