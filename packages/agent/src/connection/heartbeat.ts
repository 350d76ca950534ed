/** Heartbeat timing. */
export interface HeartbeatOptions {
  /** Silence after which the agent sends `ping` (again every as long while it lasts). @default 15000 */
  readonly intervalMs: number;
  /** Silence (nothing at all received) after which the socket counts as dead. @default 45000 */
  readonly timeoutMs: number;
}

export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 15_000, timeoutMs: 45_000 };

export interface HeartbeatHooks {
  sendPing(): void;
  /** Nothing arrived for `timeoutMs`: the connection is half-open; terminate it. */
  onSilence(): void;
}

/**
 * Detects half-open connections (a NAT or relay that vanished without a FIN):
 * TCP alone would not notice for many minutes. Any inbound traffic, not just
 * `pong`, proves the peer alive, so every received frame calls `touch()`,
 * which also puts the next `ping` off: the agent pings only a relay that has
 * been silent for `intervalMs` (acks and the relay's own pings usually come
 * sooner), so a busy connection carries no heartbeat traffic of its own and
 * the agent wakes up for nothing else.
 */
export class Heartbeat {
  private pingTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: HeartbeatOptions,
    private readonly hooks: HeartbeatHooks,
  ) {}

  start(): void {
    this.stop();
    this.pingTimer = setInterval(() => this.hooks.sendPing(), this.options.intervalMs);
    this.silenceTimer = setTimeout(() => this.expire(), this.options.timeoutMs);
  }

  /** Something was received: push the silence deadline and the next ping back (cheap: re-arms the same timers). */
  touch(): void {
    this.silenceTimer?.refresh();
    this.pingTimer?.refresh();
  }

  stop(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.silenceTimer);
    this.pingTimer = undefined;
    this.silenceTimer = undefined;
  }

  private expire(): void {
    this.stop();
    this.hooks.onSilence();
  }
}
