/** Gives back a slot taken from {@link ConnectionSlots}; safe to call more than once. */
export type SlotRelease = () => void;

/**
 * Counts connections that are not authenticated yet (awaiting the backend's
 * verdict, or upgraded but before `hello`) and refuses more than `max`, so a
 * flood of idle or slow handshakes cannot hold unbounded sockets and memory.
 */
export class ConnectionSlots {
  #taken = 0;

  /** @param max slots; 0 turns the cap off. */
  constructor(readonly max: number) {}

  get taken(): number {
    return this.#taken;
  }

  /** A release function, or undefined when every slot is taken. */
  tryTake(): SlotRelease | undefined {
    if (this.max > 0 && this.#taken >= this.max) return undefined;
    this.#taken += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#taken -= 1;
    };
  }
}
