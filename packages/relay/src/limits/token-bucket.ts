/**
 * A token bucket: `ratePerSec` tokens a second, holding at most `burst`.
 * Taking a token may drive the level below zero; the deficit ("debt") is
 * how far over its allowance the caller already is, and `msUntil(level)`
 * says how long refilling takes. Time is passed in, so tests need no clock.
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly ratePerSec: number,
    readonly burst: number,
    now: number,
  ) {
    if (!(ratePerSec > 0) || !(burst >= 1)) throw new RangeError('ratePerSec must be > 0 and burst >= 1');
    this.#tokens = burst;
    this.#updatedAt = now;
  }

  /** Tokens left after refilling up to `now` (negative while in debt). */
  level(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  /** Takes one token and returns the level left: >= 0 within the allowance, < 0 over it. */
  take(now: number): number {
    this.#refill(now);
    this.#tokens -= 1;
    return this.#tokens;
  }

  /** Milliseconds until the level reaches `level` (0 if it already has). */
  msUntil(level: number, now: number): number {
    this.#refill(now);
    const missing = Math.min(level, this.burst) - this.#tokens;
    return missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.ratePerSec);
  }

  #refill(now: number): void {
    const elapsed = now - this.#updatedAt;
    if (elapsed <= 0) return;
    this.#updatedAt = now;
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.ratePerSec) / 1000);
  }
}
