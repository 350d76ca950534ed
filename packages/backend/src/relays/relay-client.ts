import { randomUUID } from 'node:crypto';
import {
  ControlBatchResult,
  type ControlFrame,
  type ControlMessage,
  ControlMessageResult,
  type DeliveryStatus,
} from '@labmgr/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { ComputerRepository } from '../computers/computer.repository.js';
import { ControlHttp } from './control-http.js';
import type { RelayRepository, RelayRow } from './relay.repository.js';

/**
 * What became of a message sent through a relay: the relay's answer, or
 * `offline` (the computer has no relay that registered a control URL) or
 * `relay-unreachable` (the relay did not answer, or refused our token).
 */
export type SendStatus = DeliveryStatus | 'offline' | 'relay-unreachable';

export interface SendResult {
  computerId: string;
  messageId: string;
  status: SendStatus;
}

export interface SendTarget {
  computerId: string;
  frame: ControlFrame;
  ttlSec: number;
  /** @default a new UUID */
  messageId?: string;
  /** Let the relay queue it even for an agent it does not know right now (e.g. after its restart). */
  queueIfUnknown?: boolean;
}

/** What the relays said to a revocation (see {@link RelayClient.revokeEverywhere}). */
export interface RevokeOutcome {
  status: 'disconnected' | 'unknown-agent' | 'offline' | 'relay-unreachable';
  /** Each registered relay's answer, by relay name. */
  relays: { relay: string; result: 'disconnected' | 'not-connected' | 'unreachable' }[];
}

interface Deps {
  computers: ComputerRepository;
  relays: RelayRepository;
  logger?: FastifyBaseLogger | undefined;
  /** @default 5000 */
  timeoutMs?: number;
  /** PEM certificate trusted for https control URLs besides the system CAs (the server's own). */
  trustedCert?: string;
}

/**
 * The backend's client of the relays' control API. Each computer is reached
 * through the relay that last reported it (`computers.relay_id`), at the
 * control URL and with the control token that relay gave in its registration.
 */
export class RelayClient {
  readonly #deps: Deps;
  readonly #http: ControlHttp;

  constructor(deps: Deps) {
    this.#deps = { ...deps };
    this.#http = new ControlHttp(deps.trustedCert);
  }

  /** Closes the idle keep-alive connections to relays. */
  close(): void {
    this.#http.destroy();
  }

  /** Where failed control calls are logged (the app's logger, set once it exists). */
  useLogger(logger: FastifyBaseLogger): void {
    this.#deps.logger = logger;
  }

  /** Sends one frame to one computer. */
  async send(target: SendTarget): Promise<SendResult> {
    const [result] = await this.sendMany([target]);
    if (!result) throw new Error('sendMany returned no result');
    return result;
  }

  /**
   * Sends frames to many computers with one call per relay (in parallel);
   * results come back in the order of `targets`.
   */
  async sendMany(targets: readonly SendTarget[]): Promise<SendResult[]> {
    const withIds = targets.map((t) => ({ ...t, messageId: t.messageId ?? randomUUID() }));
    const computers = new Map(
      (await this.#deps.computers.findByIds([...new Set(withIds.map((t) => t.computerId))])).map((c) => [
        c.id,
        c,
      ]),
    );
    const results = new Map<string, SendResult>();
    const byRelay = new Map<string, typeof withIds>();
    for (const t of withIds) {
      const computer = computers.get(t.computerId);
      if (!computer || computer.retired) {
        results.set(t.messageId, {
          computerId: t.computerId,
          messageId: t.messageId,
          status: 'unknown-agent',
        });
      } else if (!computer.relay_id) {
        results.set(t.messageId, { computerId: t.computerId, messageId: t.messageId, status: 'offline' });
      } else {
        const list = byRelay.get(computer.relay_id);
        if (list) list.push(t);
        else byRelay.set(computer.relay_id, [t]);
      }
    }
    await Promise.all(
      [...byRelay].map(async ([relayId, list]) => {
        const relay = await this.#deps.relays.findById(relayId);
        const answers = await this.#post(relay, list);
        for (const t of list) {
          const status = answers.get(t.messageId) ?? (relay?.control_url ? 'relay-unreachable' : 'offline');
          results.set(t.messageId, { computerId: t.computerId, messageId: t.messageId, status });
        }
      }),
    );
    return withIds.map(
      (t) =>
        results.get(t.messageId) ?? { computerId: t.computerId, messageId: t.messageId, status: 'offline' },
    );
  }

  /** Takes a message out of the relay's queue for a reconnecting agent, before it is delivered. */
  async cancelQueued(
    computerId: string,
    messageId: string,
  ): Promise<'cancelled' | 'not-queued' | 'relay-unreachable'> {
    const computer = await this.#deps.computers.findById(computerId);
    if (!computer?.relay_id) return 'not-queued';
    const relay = await this.#deps.relays.findById(computer.relay_id);
    const out = await this.#call(
      relay,
      'DELETE',
      `control/v1/agents/${computerId}/messages/${messageId}`,
      {},
    );
    if (out === undefined) return 'relay-unreachable';
    return out.status === 200 ? 'cancelled' : 'not-queued';
  }

  /**
   * After a revocation: asks every registered relay (in parallel), not only
   * the one the computer was last seen on, to forget the computer's cached
   * credential verdicts and close its connection if it holds one (4401 with
   * `reason`). An agent whose credential passed a relay's check but that never
   * said hello is on no relay as far as the backend knows, yet its verdict is
   * cached there and would let it back in until it expires.
   *
   * `status`: `disconnected` when a relay closed a connection of it;
   * otherwise `relay-unreachable` when a relay did not answer (it may keep a
   * cached verdict until it expires); otherwise `unknown-agent` (every relay
   * answered: not connected) or `offline` (no relay has registered).
   */
  async revokeEverywhere(computerId: string, reason: string): Promise<RevokeOutcome> {
    const relays = await this.#deps.relays.listControllable();
    const results = await Promise.all(
      relays.map(async (relay): Promise<RevokeOutcome['relays'][number]> => {
        const out = await this.#call(relay, 'POST', `control/v1/agents/${computerId}/disconnect`, {
          reason,
        });
        const result =
          out?.status === 200 ? 'disconnected' : out?.status === 404 ? 'not-connected' : 'unreachable';
        if (out !== undefined && result === 'unreachable') this.#warn(relay, `answered ${out.status}`);
        return { relay: relay.name, result };
      }),
    );
    const any = (result: string) => results.some((r) => r.result === result);
    const status = any('disconnected')
      ? 'disconnected'
      : any('unreachable')
        ? 'relay-unreachable'
        : results.length > 0
          ? 'unknown-agent'
          : 'offline';
    return { status, relays: results };
  }

  async #post(
    relay: RelayRow | undefined,
    list: readonly (SendTarget & { messageId: string })[],
  ): Promise<Map<string, DeliveryStatus>> {
    const answers = new Map<string, DeliveryStatus>();
    if (list.length === 1) {
      const [t] = list;
      if (!t) return answers;
      const body: ControlMessage = { messageId: t.messageId, frame: t.frame, ttlSec: t.ttlSec };
      const out = await this.#call(relay, 'POST', `control/v1/agents/${t.computerId}/messages`, body);
      const parsed = out?.status === 200 ? ControlMessageResult.safeParse(out.body) : undefined;
      if (parsed?.success) answers.set(parsed.data.messageId, parsed.data.status);
      else if (out) this.#warn(relay, `answered ${out.status}`);
      return answers;
    }
    const messages = list.map((t) => ({
      computerId: t.computerId,
      messageId: t.messageId,
      frame: t.frame,
      ttlSec: t.ttlSec,
      ...(t.queueIfUnknown ? { queueIfUnknown: true } : {}),
    }));
    const out = await this.#call(relay, 'POST', 'control/v1/messages', { messages });
    const parsed = out?.status === 200 ? ControlBatchResult.safeParse(out.body) : undefined;
    if (parsed?.success) for (const r of parsed.data.results) answers.set(r.messageId, r.status);
    else if (out) this.#warn(relay, `answered ${out.status}`);
    return answers;
  }

  /** One control call; undefined when the relay has not registered or cannot be reached. */
  async #call(
    relay: RelayRow | undefined,
    method: string,
    path: string,
    body: unknown,
  ): Promise<{ status: number; body: unknown } | undefined> {
    if (!relay?.control_url || !relay.control_token) return undefined;
    const base = relay.control_url.endsWith('/') ? relay.control_url : `${relay.control_url}/`;
    try {
      return await this.#http.call(
        new URL(path, base),
        method,
        relay.control_token,
        body,
        this.#deps.timeoutMs ?? 5000,
      );
    } catch (err) {
      this.#warn(relay, err instanceof Error ? err.message : String(err));
      return undefined;
    }
  }

  #warn(relay: RelayRow | undefined, reason: string): void {
    this.#deps.logger?.warn(
      { relay: relay?.name, controlUrl: relay?.control_url, reason },
      'relay control call failed',
    );
  }
}
