/** Anything registered under a computer id (an agent session in production). */
export interface Registered {
  readonly computerId: string;
}

/**
 * The one live (handshake-complete) connection per computer. Acks and,
 * later, commands are routed through it, so a stale connection must never
 * remove its successor: `remove` only deletes the entry it was given.
 */
export class AgentRegistry<S extends Registered> {
  readonly #byId = new Map<string, S>();

  get size(): number {
    return this.#byId.size;
  }

  get(computerId: string): S | undefined {
    return this.#byId.get(computerId);
  }

  /** Registers `session`, returning the connection it displaces, if any. */
  set(session: S): S | undefined {
    const previous = this.#byId.get(session.computerId);
    this.#byId.set(session.computerId, session);
    return previous === session ? undefined : previous;
  }

  /** Removes `session` if it is still the registered one. */
  remove(session: S): void {
    if (this.#byId.get(session.computerId) === session) this.#byId.delete(session.computerId);
  }

  values(): IterableIterator<S> {
    return this.#byId.values();
  }
}
