/** Releases a slot taken from an {@link AuthGate}; safe to call more than once. */
export type Release = () => void;

/**
 * Bounds concurrent credential checks. When a whole lab reconnects at once
 * (relay restart), thousands of upgrades arrive together; without a bound
 * each would open its own request to the backend.
 */
export class AuthGate {
  #active = 0;
  readonly #waiting: Array<(release: Release) => void> = [];

  /**
   * @param maxActive checks in flight at once. @default 64
   * @param maxWaiting checks queued behind them before new ones are turned away. @default 10_000
   */
  constructor(
    readonly maxActive = 64,
    readonly maxWaiting = 10_000,
  ) {}

  /** Waits for a slot; resolves `undefined` at once when the queue is full. */
  enter(): Promise<Release | undefined> {
    if (this.#active < this.maxActive) {
      this.#active += 1;
      return Promise.resolve(this.#release());
    }
    if (this.#waiting.length >= this.maxWaiting) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // Hand the slot straight to the next waiter so the count never overshoots.
      if (next) next(this.#release());
      else this.#active -= 1;
    };
  }
}
