import {
  CloseCode,
  type ConnectedAgent,
  type ControlFrame,
  type ControlMessageResult,
  type DeliveryStatus,
  type MessageStatusItem,
  type PresenceEvent,
  type RelayFrame,
} from '@labmgr/protocol';
import type { Logger } from 'pino';
import { MessageQueue, type MessageQueueOptions, type QueuedMessage } from './message-queue.js';

/** What the control service needs of a live agent connection. */
export interface ControlSession {
  readonly computerId: string;
  send(frame: RelayFrame): void;
  close(code: number, reason: string): void;
}

export interface ControlServiceDeps {
  logger: Logger;
  /** The relay's registry of handshake-complete connections. */
  sessions: {
    get(computerId: string): ControlSession | undefined;
    values(): Iterable<ControlSession>;
  };
  /** Hands late deliveries and expiries to the backend reporter. */
  report(items: MessageStatusItem[]): void;
  /**
   * Forgets any cached credential verdict of the agent, so its next connect is
   * checked with the backend again (called on every control disconnect,
   * whether or not the agent is connected).
   */
  evictCredential?(computerId: string): void;
  /**
   * Closes the agent's connections that passed the credential check but have
   * not said hello yet (so are not in `sessions`); returns how many.
   */
  closeUnannounced?(computerId: string, code: number, reason: string): number;
  queue?: MessageQueueOptions;
  now?: () => number;
}

export interface MessageInput {
  computerId: string;
  messageId: string;
  frame: ControlFrame;
  ttlSec: number;
  queueIfUnknown?: boolean | undefined;
}

interface AgentInfo {
  connectedAt: number;
  agentVersion: string | null;
  remoteAddress: string | null;
}

/**
 * The backend -> agent direction of the relay: delivers control messages to
 * connected agents, queues them (with a TTL) for agents that are reconnecting,
 * flushes the queue right after the agent's next hello, and reports late
 * deliveries and expiries. Fed by the relay's presence events, so it needs no
 * hook inside the agent session.
 */
export class ControlService {
  readonly queue: MessageQueue;
  readonly #deps: ControlServiceDeps;
  readonly #now: () => number;
  readonly #info = new Map<string, AgentInfo>();

  constructor(deps: ControlServiceDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.queue = new MessageQueue({ now: this.#now, ...deps.queue });
  }

  /** Delivers, queues or refuses one message. */
  send(input: MessageInput): ControlMessageResult {
    const { computerId, messageId } = input;
    return { computerId, messageId, status: this.#send(input) };
  }

  #send({ computerId, messageId, frame, ttlSec, queueIfUnknown }: MessageInput): DeliveryStatus {
    const session = this.#deps.sessions.get(computerId);
    if (session) {
      session.send(frame);
      return 'delivered';
    }
    if (!this.queue.isKnown(computerId) && queueIfUnknown !== true) return 'unknown-agent';
    return this.queue.enqueue(computerId, messageId, frame, ttlSec * 1000);
  }

  /** Removes a message still waiting in the queue. */
  cancel(computerId: string, messageId: string): boolean {
    return this.queue.cancel(computerId, messageId);
  }

  /**
   * Forgets the agent's cached credential verdicts in any case (a revoked
   * credential that passed the check, even one that never said hello, must be
   * checked again at its next connect), then closes its connections with 4401
   * and `reason`, drops its queue (reported `expired`) and forgets it. Returns
   * undefined when the agent is neither connected nor known here.
   */
  disconnect(computerId: string, reason: string): { droppedMessages: number } | undefined {
    this.#deps.evictCredential?.(computerId);
    const unannounced = this.#deps.closeUnannounced?.(computerId, CloseCode.unauthorized, reason) ?? 0;
    const session = this.#deps.sessions.get(computerId);
    if (!session && unannounced === 0 && !this.queue.isKnown(computerId)) {
      this.#deps.logger.info(
        { computerId, reason },
        'credential verdicts dropped for an agent not connected here',
      );
      return undefined;
    }
    // Closing records a `disconnected` presence event (which remembers the agent) at once; forget it after.
    session?.close(CloseCode.unauthorized, reason);
    const dropped = this.queue.forget(computerId);
    this.#reportEach(dropped, 'expired');
    this.#deps.logger.info(
      {
        computerId,
        reason,
        droppedMessages: dropped.length,
        wasConnected: session !== undefined,
        closedBeforeHello: unannounced,
      },
      'agent disconnected by the backend',
    );
    return { droppedMessages: dropped.length };
  }

  connectedAgents(): ConnectedAgent[] {
    const out: ConnectedAgent[] = [];
    for (const session of this.#deps.sessions.values()) {
      const info = this.#info.get(session.computerId);
      out.push({
        computerId: session.computerId,
        connectedAt: info?.connectedAt ?? 0,
        remoteAddress: info?.remoteAddress ?? null,
        agentVersion: info?.agentVersion ?? null,
        queued: this.queue.sizeOf(session.computerId),
      });
    }
    return out;
  }

  /**
   * Follows the relay's presence events. `connected` comes right after the
   * agent's welcome was sent, so queued messages go out after it, in order.
   */
  onPresence(event: PresenceEvent): void {
    const { computerId } = event;
    if (event.state === 'connected') {
      this.queue.markConnected(computerId);
      this.#info.set(computerId, {
        connectedAt: event.at,
        agentVersion: event.agentVersion ?? null,
        remoteAddress: event.remoteAddress ?? null,
      });
      this.#flush(computerId);
      return;
    }
    // A `disconnected` of a replaced connection may follow its successor's `connected`.
    if (this.#deps.sessions.get(computerId)) return;
    this.#info.delete(computerId);
    this.queue.markDisconnected(computerId, event.at);
  }

  /** Expires what is past its TTL; call about once a second. */
  sweep(): void {
    const expired = this.queue.sweep();
    if (expired.length === 0) return;
    this.#deps.logger.info({ expired: expired.length }, 'queued control messages expired');
    this.#reportEach(expired, 'expired');
  }

  #flush(computerId: string): void {
    const session = this.#deps.sessions.get(computerId);
    if (!session || this.queue.sizeOf(computerId) === 0) return;
    const { deliver, expired } = this.queue.take(computerId);
    for (const m of deliver) session.send(m.frame);
    this.#reportEach(deliver, 'delivered');
    this.#reportEach(expired, 'expired');
    if (deliver.length > 0)
      this.#deps.logger.info({ computerId, delivered: deliver.length }, 'delivered queued control messages');
  }

  #reportEach(messages: QueuedMessage[], status: 'delivered' | 'expired'): void {
    if (messages.length === 0) return;
    const at = this.#now();
    this.#deps.report(
      messages.map((m) => ({ messageId: m.messageId, computerId: m.computerId, status, at })),
    );
  }
}
