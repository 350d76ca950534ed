/**
 * Password-guessing limits. Both limiters are asked *before* the password is
 * verified and count the attempt at once (`reserve`), so concurrent requests
 * cannot all slip through while the first are still hashing: an attempt
 * counts as a failure from the moment it starts, and a success takes it back.
 * Node runs this synchronously between awaits, which is what makes the
 * check-and-count atomic.
 */

/** Fixed window: at most `max` attempts per key within `windowMs` of the first; a success clears the key. */
export class AttemptLimiter {
  private readonly attempts = new Map<string, { count: number; first: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts an attempt for `key` and returns 0, or returns the ms to wait (and counts nothing). */
  reserve(key: string): number {
    const now = this.now();
    const a = this.attempts.get(key);
    if (!a || now - a.first >= this.windowMs) {
      this.attempts.set(key, { count: 1, first: now });
      if (this.attempts.size > 100_000) this.prune(now);
      return 0;
    }
    if (a.count >= this.max) return a.first + this.windowMs - now;
    a.count += 1;
    return 0;
  }

  /** The attempt succeeded: its key starts afresh. */
  succeed(key: string): void {
    this.attempts.delete(key);
  }

  /** Takes back one reserved attempt that was never evaluated (refused by another limit, or not a guess). */
  cancel(key: string): void {
    const a = this.attempts.get(key);
    if (a && a.count > 0) a.count -= 1;
  }

  private prune(now: number): void {
    for (const [k, a] of this.attempts) if (now - a.first >= this.windowMs) this.attempts.delete(k);
  }
}

export interface BackoffOptions {
  /** Failures allowed without any delay. @default 10 */
  free?: number;
  /** The first delay after the free ones; each further failure doubles it. @default 1_000 */
  baseDelayMs?: number;
  /** The delay never grows beyond this, so the account is never locked for longer. @default 15 min */
  maxDelayMs?: number;
  /** Failures are forgotten after this long without one. @default 1 h */
  forgetAfterMs?: number;
  now?: () => number;
}

/**
 * Per account, whatever the address: after `free` failures each further
 * attempt must wait an exponentially growing delay, capped at `maxDelayMs`.
 * A delay rather than a lock, so someone guessing from many addresses slows
 * to one guess per `maxDelayMs` but cannot keep the owner out for good.
 */
export class BackoffLimiter {
  private readonly failures = new Map<string, { count: number; nextAt: number; lastAt: number }>();
  private readonly free: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly forgetAfterMs: number;
  private readonly now: () => number;

  constructor(options: BackoffOptions = {}) {
    this.free = options.free ?? 10;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 15 * 60_000;
    this.forgetAfterMs = options.forgetAfterMs ?? 3600_000;
    this.now = options.now ?? Date.now;
  }

  /** Counts an attempt (as a failure until `succeed`) and returns 0, or the ms to wait. */
  reserve(key: string): number {
    const now = this.now();
    let f = this.failures.get(key);
    if (f && now - f.lastAt >= this.forgetAfterMs) {
      this.failures.delete(key);
      f = undefined;
    }
    if (f && now < f.nextAt) return f.nextAt - now;
    if (!f) {
      f = { count: 0, nextAt: 0, lastAt: now };
      this.failures.set(key, f);
      if (this.failures.size > 100_000) this.prune(now);
    }
    f.count += 1;
    f.lastAt = now;
    f.nextAt = now + this.delayAfter(f.count);
    return 0;
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  /** The wait imposed after `failures` failures. */
  delayAfter(failures: number): number {
    if (failures < this.free) return 0;
    return Math.min(this.baseDelayMs * 2 ** Math.min(failures - this.free, 30), this.maxDelayMs);
  }

  private prune(now: number): void {
    for (const [k, f] of this.failures) if (now - f.lastAt >= this.forgetAfterMs) this.failures.delete(k);
  }
}
