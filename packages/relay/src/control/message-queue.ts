import type { ControlFrame } from '@labmgr/protocol';

/** A message waiting for its agent to come back. */
export interface QueuedMessage {
  readonly messageId: string;
  readonly computerId: string;
  readonly frame: ControlFrame;
  readonly queuedAt: number;
  readonly expiresAt: number;
}

export interface MessageQueueOptions {
  /** Messages kept per agent. @default 100 */
  maxPerAgent?: number;
  /** Messages kept for all agents together. @default 100_000 */
  maxTotal?: number;
  /** How long an agent that left stays "known" (its messages are queued, not `unknown-agent`). @default 600_000 */
  rememberMs?: number;
  /** Agents remembered at once; the ones that left longest ago are forgotten first. @default 100_000 */
  maxRemembered?: number;
  now?: () => number;
}

export type EnqueueOutcome = 'queued' | 'queue-full';

/**
 * Per-agent FIFO queues of control messages for agents that are not connected
 * right now, each message with its own deadline, plus the set of agents that
 * left recently. Pure bookkeeping: no timers and no I/O (the caller sweeps).
 *
 * The rule for "known": an agent is known while it is connected (the caller
 * checks its registry), for `rememberMs` after it disconnected from this relay,
 * and while it has messages queued. A message for any other agent is
 * `unknown-agent` unless the backend explicitly asks to queue it.
 */
export class MessageQueue {
  readonly #byAgent = new Map<string, QueuedMessage[]>();
  /** computerId -> when it left; insertion order is chronological (re-inserted on each leave). */
  readonly #left = new Map<string, number>();
  #total = 0;
  readonly #maxPerAgent: number;
  readonly #maxTotal: number;
  readonly #rememberMs: number;
  readonly #maxRemembered: number;
  readonly #now: () => number;

  constructor(options: MessageQueueOptions = {}) {
    this.#maxPerAgent = options.maxPerAgent ?? 100;
    this.#maxTotal = options.maxTotal ?? 100_000;
    this.#rememberMs = options.rememberMs ?? 600_000;
    this.#maxRemembered = options.maxRemembered ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** Messages queued for all agents. */
  get size(): number {
    return this.#total;
  }

  sizeOf(computerId: string): number {
    return this.#byAgent.get(computerId)?.length ?? 0;
  }

  /** The agent left this relay at `at`: remember it for `rememberMs`. */
  markDisconnected(computerId: string, at = this.#now()): void {
    this.#left.delete(computerId);
    this.#left.set(computerId, at);
    while (this.#left.size > this.#maxRemembered) {
      const oldest = this.#left.keys().next();
      if (oldest.done) break;
      this.#left.delete(oldest.value);
    }
  }

  /** The agent is connected again (the caller's registry now knows it). */
  markConnected(computerId: string): void {
    this.#left.delete(computerId);
  }

  /** Left recently or has messages waiting (connected agents are the caller's business). */
  isKnown(computerId: string): boolean {
    if (this.#byAgent.has(computerId)) return true;
    const leftAt = this.#left.get(computerId);
    return leftAt !== undefined && this.#now() - leftAt < this.#rememberMs;
  }

  /**
   * Queues a message until `ttlMs` from now. The same `messageId` queued
   * twice for an agent is kept once (the backend may retry a call).
   */
  enqueue(computerId: string, messageId: string, frame: ControlFrame, ttlMs: number): EnqueueOutcome {
    const list = this.#byAgent.get(computerId);
    if (list?.some((m) => m.messageId === messageId)) return 'queued';
    if ((list?.length ?? 0) >= this.#maxPerAgent || this.#total >= this.#maxTotal) return 'queue-full';
    const now = this.#now();
    const message: QueuedMessage = { messageId, computerId, frame, queuedAt: now, expiresAt: now + ttlMs };
    if (list) list.push(message);
    else this.#byAgent.set(computerId, [message]);
    this.#total += 1;
    return 'queued';
  }

  /** Removes everything queued for the agent, in queue order, split into still-valid and expired. */
  take(computerId: string): { deliver: QueuedMessage[]; expired: QueuedMessage[] } {
    const list = this.#byAgent.get(computerId) ?? [];
    this.#byAgent.delete(computerId);
    this.#total -= list.length;
    const now = this.#now();
    return {
      deliver: list.filter((m) => m.expiresAt > now),
      expired: list.filter((m) => m.expiresAt <= now),
    };
  }

  /** Removes one queued message; false when it is not (or no longer) queued. */
  cancel(computerId: string, messageId: string): boolean {
    const list = this.#byAgent.get(computerId);
    const at = list?.findIndex((m) => m.messageId === messageId) ?? -1;
    if (!list || at < 0) return false;
    list.splice(at, 1);
    this.#total -= 1;
    if (list.length === 0) this.#byAgent.delete(computerId);
    return true;
  }

  /** Drops the agent's messages and forgets it (after a disconnect ordered by the backend). */
  forget(computerId: string): QueuedMessage[] {
    const list = this.#byAgent.get(computerId) ?? [];
    this.#byAgent.delete(computerId);
    this.#total -= list.length;
    this.#left.delete(computerId);
    return list;
  }

  /** Removes and returns the messages past their deadline; forgets agents that left long ago. */
  sweep(): QueuedMessage[] {
    const now = this.#now();
    const expired: QueuedMessage[] = [];
    for (const [computerId, list] of this.#byAgent) {
      if (list.every((m) => m.expiresAt > now)) continue;
      const keep: QueuedMessage[] = [];
      for (const m of list) (m.expiresAt > now ? keep : expired).push(m);
      this.#total -= list.length - keep.length;
      if (keep.length === 0) this.#byAgent.delete(computerId);
      else this.#byAgent.set(computerId, keep);
    }
    for (const [computerId, leftAt] of this.#left) {
      if (now - leftAt < this.#rememberMs) break;
      this.#left.delete(computerId);
    }
    return expired;
  }
}
