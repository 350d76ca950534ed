/** Verdict on one connection attempt. */
export type AttemptVerdict = { allowed: true } | { allowed: false; retryAfterSec: number };

/**
 * Connection attempts per IP address in a sliding window (the "sliding window
 * counter": the previous fixed window's count, weighted by how much of it
 * still overlaps the sliding one, plus the current window's count). Memory is
 * two numbers per address seen in the last two windows; older addresses are
 * dropped when a window rolls over. Refused attempts are not counted, so a
 * lab behind one NAT that retries with backoff is let in again as the window
 * slides.
 */
export class IpAttemptWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  /** Start of the current fixed window. */
  #windowStart: number;
  #current = new Map<string, number>();
  #previous = new Map<string, number>();

  /**
   * @param limit attempts allowed per address per window; 0 turns the check off.
   * @param windowMs window length.
   */
  constructor(limit: number, windowMs: number, now: number) {
    if (!(limit >= 0) || !(windowMs > 0)) throw new RangeError('limit must be >= 0 and windowMs > 0');
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#windowStart = now;
  }

  /** Addresses currently tracked (for tests and metrics). */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  /** Counts an attempt from `ip` if it is within the limit. */
  attempt(ip: string, now: number): AttemptVerdict {
    if (this.#limit === 0) return { allowed: true };
    this.#roll(now);
    const current = this.#current.get(ip) ?? 0;
    const previous = this.#previous.get(ip) ?? 0;
    const overlap = 1 - (now - this.#windowStart) / this.#windowMs;
    const estimate = previous * overlap + current;
    if (estimate + 1 > this.#limit) {
      return { allowed: false, retryAfterSec: this.#retryAfterSec(previous, current, now) };
    }
    this.#current.set(ip, current + 1);
    return { allowed: true };
  }

  /**
   * When the estimate will have dropped enough for one more attempt: within
   * this window if the previous window's weight fades fast enough, else at
   * the next roll-over (where the current count becomes the weighted one).
   */
  #retryAfterSec(previous: number, current: number, now: number): number {
    const w = this.#windowMs;
    const elapsed = now - this.#windowStart;
    let waitMs: number;
    if (current + 1 <= this.#limit && previous > 0) {
      // previous * (1 - t/w) + current + 1 <= limit
      const t = w * (1 - (this.#limit - current - 1) / previous);
      waitMs = Math.max(0, t - elapsed);
    } else {
      // After the roll-over: current * (1 - t/w) + 1 <= limit, t measured from the next window's start.
      const t = current > 0 ? w * Math.max(0, 1 - (this.#limit - 1) / current) : 0;
      waitMs = w - elapsed + t;
    }
    return Math.max(1, Math.ceil(waitMs / 1000));
  }

  #roll(now: number): void {
    const elapsed = now - this.#windowStart;
    if (elapsed < this.#windowMs) return;
    if (elapsed < 2 * this.#windowMs) {
      this.#previous = this.#current;
      this.#windowStart += this.#windowMs;
    } else {
      this.#previous = new Map();
      this.#windowStart = now;
    }
    this.#current = new Map();
  }
}
