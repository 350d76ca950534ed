/**
 * The protocol caps string lengths and list sizes. A frame over a cap would
 * be rejected by the relay and, for a buffered sample, re-sent and rejected
 * forever, so collectors trim to the caps instead of trusting the machine.
 */
export function clip(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max);
}

export function clipOrNull(value: string | null, max: number): string | null {
  return value === null ? null : clip(value, max);
}

export function capList<T>(items: readonly T[], max: number): T[] {
  return items.slice(0, max);
}

/** Rounds to two decimals: enough for percentages and rates, and shorter JSON. */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
