import type { AgentSession, SessionPacer } from './session.js';

/** Where the pacer reads the ingest queue's level. */
export interface QueueLevel {
  /** Past the high-water mark: pause agents that send. */
  readonly congested: boolean;
  /** Back at the low-water mark: resume them. */
  readonly hasRoom: boolean;
}

/**
 * The relay's back-pressure: sessions that forward a frame while the ingest
 * queue is congested stop reading and are held here; once the queue is back
 * at its low-water mark they are all resumed. Only agents that actually send
 * are paused, so the cost follows the traffic, not the number of agents.
 */
export class IngestPacer implements SessionPacer {
  readonly #held = new Set<AgentSession>();
  #pauses = 0;

  constructor(readonly queue: QueueLevel) {}

  /** Agents paused now. */
  get held(): number {
    return this.#held.size;
  }

  /** Agents paused so far (a counter). */
  get pauses(): number {
    return this.#pauses;
  }

  congested(): boolean {
    return this.queue.congested;
  }

  hold(session: AgentSession): void {
    if (this.#held.has(session)) return;
    this.#held.add(session);
    this.#pauses += 1;
  }

  release(session: AgentSession): void {
    this.#held.delete(session);
  }

  /** Resumes every held session if the queue has room (call when the queue shrinks). */
  maybeResume(): void {
    if (this.#held.size === 0 || !this.queue.hasRoom) return;
    const held = [...this.#held];
    this.#held.clear();
    for (const session of held) session.resumeForQueue();
  }
}
