/**
 * Coalesces the acks for the agents: each stored batch yields an ack per
 * computer in it, and an agent sending several frames a second would get as
 * many small WebSocket writes. Instead the highest stored seq per computer is
 * kept and all of them are sent together, at most once per `intervalMs`
 * (one timer for the whole relay). Acks are cumulative, so sending only the
 * highest loses nothing; an agent that reconnects before its ack went out is
 * re-sent what was unacked and acked for it then.
 */
export class AckCoalescer {
  readonly #intervalMs: number;
  readonly #deliver: (computerId: string, seq: number) => void;
  readonly #onError: (err: unknown, computerId: string) => void;
  #pending = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param intervalMs 0: deliver every ack at once.
   * @param deliver sends one ack; a throw is passed to `onError`, the other acks still go out.
   */
  constructor(
    intervalMs: number,
    deliver: (computerId: string, seq: number) => void,
    onError: (err: unknown, computerId: string) => void,
  ) {
    this.#intervalMs = intervalMs;
    this.#deliver = deliver;
    this.#onError = onError;
  }

  /** Acks waiting for the next flush. */
  get pending(): number {
    return this.#pending.size;
  }

  /** The backend stored everything of `computerId` up to `seq`. */
  add(computerId: string, seq: number): void {
    if (this.#intervalMs <= 0) {
      this.#send(computerId, seq);
      return;
    }
    const before = this.#pending.get(computerId);
    if (before === undefined || seq > before) this.#pending.set(computerId, seq);
    this.#timer ??= setTimeout(() => this.flush(), this.#intervalMs);
  }

  /** Sends every pending ack now (also at shutdown, before the agents are closed). */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const pending = this.#pending;
    if (pending.size === 0) return;
    this.#pending = new Map();
    for (const [computerId, seq] of pending) this.#send(computerId, seq);
  }

  /** Drops pending acks and the timer (the agents re-send what was not acked). */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
  }

  #send(computerId: string, seq: number): void {
    try {
      this.#deliver(computerId, seq);
    } catch (err) {
      this.#onError(err, computerId);
    }
  }
}
