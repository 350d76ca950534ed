import type { AgentSession, SessionPacer } from './session.js';

/** Where the pacer reads the ingest queue's level. */
export interface QueueLevel {
  /** Past the high-water mark: pause agents that send. */
  readonly congested: boolean;
  /** Back at the low-water mark: resume them. */
  readonly hasRoom: boolean;
  /** Frames the queue can take before it is congested again. */
  readonly room: number;
}

/**
 * Frames a resumed agent is expected to bring at once (what it sent while it
 * was not read): agents are resumed a room's worth at a time, so thousands of
 * them resumed together do not overshoot the queue.
 */
const FRAMES_PER_RESUMED_AGENT = 4;

/** While agents are still held, room is looked for again this often, also when no batch settles. */
const RESUME_RETRY_MS = 20;

/**
 * The relay's back-pressure: sessions that forward a frame while the ingest
 * queue is congested stop reading and are held here; once the queue is back
 * at its low-water mark they are resumed, oldest first, as many as its room
 * allows (the rest on the next batch or within {@link RESUME_RETRY_MS}). Only
 * agents that actually send are paused, so the cost follows the traffic, not
 * the number of agents.
 */
export class IngestPacer implements SessionPacer {
  /** In the order they were paused (a Set keeps insertion order): the longest waiting resume first. */
  readonly #held = new Set<Pausable>();
  #pauses = 0;
  #retry: NodeJS.Timeout | undefined;

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

  hold(session: Pausable): void {
    if (this.#held.has(session)) return;
    this.#held.add(session);
    this.#pauses += 1;
  }

  release(session: Pausable): void {
    this.#held.delete(session);
  }

  /** Resumes held sessions, a room's worth, if the queue is back at its low-water mark (call when it shrinks). */
  maybeResume(): void {
    if (this.#held.size === 0 || !this.queue.hasRoom) {
      this.#scheduleRetry();
      return;
    }
    let budget = Math.max(1, Math.ceil(this.queue.room / FRAMES_PER_RESUMED_AGENT));
    for (const session of this.#held) {
      if (budget-- <= 0) break;
      this.#held.delete(session);
      session.resumeForQueue();
    }
    this.#scheduleRetry();
  }

  /** Stops the retry timer (the relay is closing). */
  stop(): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
  }

  #scheduleRetry(): void {
    if (this.#held.size === 0 || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.maybeResume();
    }, RESUME_RETRY_MS);
    this.#retry.unref();
  }
}

/** What the pacer needs of a session. */
export type Pausable = Pick<AgentSession, 'resumeForQueue'>;
