export interface BackoffOptions {
  /** Delay before the first retry, before jitter. @default 500 */
  baseMs?: number;
  /** Upper bound of any delay. @default 30000 */
  maxMs?: number;
  /** Growth per failed attempt. @default 2 */
  factor?: number;
}

/**
 * Delay before reconnect attempt number `attempt` (0 = first retry):
 * exponential, capped, with "equal jitter" (half fixed, half random) so a
 * room full of browsers does not reconnect in lockstep after a server restart.
 * @example backoffDelay(3, {}, () => 0.5) // 3000: 4000 capped window, 2000 + 0.5 * 2000
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const { baseMs = 500, maxMs = 30_000, factor = 2 } = options;
  const window = Math.min(maxMs, baseMs * factor ** Math.max(0, attempt));
  return Math.round(window / 2 + random() * (window / 2));
}
