/**
 * Coalesces the acks for the agents: each stored batch yields an ack per
 * computer in it, and an agent sending several frames a second would get as
 * many small WebSocket writes. Instead the highest stored seq per computer is
 * kept and all of them are sent together, at most once per `intervalMs`
 * (one timer for the whole relay). Acks are cumulative, so sending only the
 * highest loses nothing; an agent that reconnects before its ack went out is
 * re-sent what was unacked and acked for it then.
 *
 * The timer's flush goes out in slices of `sliceSize` acks, one slice per
 * turn of the event loop: thousands of agents' acks written in one go would
 * hold everything else up (a command to one agent waited behind 10,000 socket
 * writes, ~100 ms). Acks added meanwhile join the slices still to go.
 */
export class AckCoalescer {
  readonly #intervalMs: number;
  readonly #deliver: (computerId: string, seq: number) => void;
  readonly #onError: (err: unknown, computerId: string) => void;
  readonly #sliceSize: number;
  #pending = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  /** Set while a timed flush is going out slice by slice. */
  #draining: NodeJS.Immediate | undefined;

  /**
   * @param intervalMs 0: deliver every ack at once.
   * @param deliver sends one ack; a throw is passed to `onError`, the other acks still go out.
   * @param sliceSize acks sent per event-loop turn by the timed flush. @default 256
   */
  constructor(
    intervalMs: number,
    deliver: (computerId: string, seq: number) => void,
    onError: (err: unknown, computerId: string) => void,
    sliceSize = 256,
  ) {
    this.#intervalMs = intervalMs;
    this.#sliceSize = Math.max(1, sliceSize);
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
    if (this.#draining === undefined) this.#timer ??= setTimeout(() => this.#drain(), this.#intervalMs);
  }

  /** Sends every pending ack now, in one go (at shutdown, before the agents are closed). */
  flush(): void {
    this.#cancel();
    const pending = this.#pending;
    this.#pending = new Map();
    for (const [computerId, seq] of pending) this.#send(computerId, seq);
  }

  /** Drops pending acks and the timer (the agents re-send what was not acked). */
  stop(): void {
    this.#cancel();
    this.#pending.clear();
  }

  /** One slice, then the next on a later turn; the interval restarts once all went out. */
  #drain(): void {
    this.#timer = undefined;
    this.#draining = undefined;
    let n = 0;
    for (const [computerId, seq] of this.#pending) {
      if (n === this.#sliceSize) break;
      // Deleting the entry being visited is safe in a Map iteration.
      this.#pending.delete(computerId);
      this.#send(computerId, seq);
      n += 1;
    }
    if (this.#pending.size > 0) this.#draining = setImmediate(() => this.#drain());
  }

  #cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#draining !== undefined) clearImmediate(this.#draining);
    this.#timer = undefined;
    this.#draining = undefined;
  }

  #send(computerId: string, seq: number): void {
    try {
      this.#deliver(computerId, seq);
    } catch (err) {
      this.#onError(err, computerId);
    }
  }
}
