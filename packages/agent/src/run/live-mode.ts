/** Live mode as `status` shows it. */
export interface LiveModeStatus {
  readonly intervalMs: number;
  /** Epoch ms when it lapses unless the server renews it. */
  readonly expiresAt: number;
}

/**
 * The sampling interval, faster while the server keeps asking for it. Each
 * `live-mode` frame (re)starts a lease of `ttlSec`; when it lapses the
 * configured interval returns by itself, so a watcher that went away without
 * a word cannot leave the agent sampling every second for ever.
 */
export class LiveMode {
  private until = 0;
  private liveIntervalMs = 0;

  constructor(
    readonly baseIntervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts or renews the lease. Returns whether the effective interval changed. */
  set(intervalMs: number, ttlSec: number): boolean {
    const before = this.intervalMs();
    this.liveIntervalMs = intervalMs;
    this.until = this.now() + ttlSec * 1000;
    return this.intervalMs() !== before;
  }

  active(): boolean {
    return this.now() < this.until;
  }

  /** The interval to wait before the next sample. */
  intervalMs(): number {
    return this.active() ? this.liveIntervalMs : this.baseIntervalMs;
  }

  status(): LiveModeStatus | null {
    return this.active() ? { intervalMs: this.liveIntervalMs, expiresAt: this.until } : null;
  }
}
