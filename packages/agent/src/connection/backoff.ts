/** Reconnect delay settings. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay. @default 1000 */
  readonly baseMs: number;
  /** Upper bound of any delay. @default 60000 */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 60_000 };

/**
 * "Full jitter" exponential backoff: a uniformly random delay in
 * [0, min(cap, base * 2^attempt)). Randomising the whole range spreads the
 * reconnects of a whole lab after a relay restart instead of having every
 * agent knock at the same instants.
 *
 * @param attempt failures since the last successful handshake, from 0
 * @param random a source in [0, 1); injectable for tests
 * @example fullJitterDelay(3, DEFAULT_BACKOFF) // somewhere in [0, 8000)
 */
export function fullJitterDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  // Clamping the exponent keeps 2^attempt finite however long the outage lasts.
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
