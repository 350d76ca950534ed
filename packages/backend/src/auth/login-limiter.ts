/**
 * Slows password guessing: after `maxFailures` failures for one IP+username
 * within `windowMs`, further attempts are refused until the window passes.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; first: number }>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may try again; 0 if it may now. */
  blockedFor(key: string): number {
    const f = this.failures.get(key);
    if (!f) return 0;
    const left = f.first + this.windowMs - this.now();
    if (left <= 0) {
      this.failures.delete(key);
      return 0;
    }
    return f.count >= this.maxFailures ? left : 0;
  }

  fail(key: string): void {
    const f = this.failures.get(key);
    if (!f || this.now() - f.first > this.windowMs) this.failures.set(key, { count: 1, first: this.now() });
    else f.count += 1;
    if (this.failures.size > 100_000) this.prune();
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private prune(): void {
    const cutoff = this.now() - this.windowMs;
    for (const [k, f] of this.failures) if (f.first < cutoff) this.failures.delete(k);
  }
}
