import type {
  AgentAuthResponse,
  AgentFrame,
  HelloFrame,
  ParseResult,
  PresenceEvent,
  RelayFrame,
} from '@labmgr/protocol';
import {
  CloseCode,
  checkAgentFrame,
  PROTOCOL_VERSION,
  parseChecked,
  truncate,
} from '@labmgr/protocol/compiled';
import type { Logger } from 'pino';
import { type RawData, WebSocket } from 'ws';
import type { ForwardItem } from '../backend/backend-client.js';
import { TokenBucket } from '../limits/token-bucket.js';
import { dispatchFrame, type FrameMeta, type FrameTarget } from './handlers.js';
import type { AgentRegistry } from './registry.js';
import { sniffHelloVersion, toText, wsErrorCloseCode } from './wire.js';

/** What a session needs from the relay around it. */
export interface SessionContext {
  relayId: string;
  logger: Logger;
  registry: AgentRegistry<AgentSession>;
  /** Queues a frame of `size` for the backend; false when the queue is full. */
  forward(item: ForwardItem, size: number): boolean;
  recordPresence(event: PresenceEvent): void;
  /** Called once, when the socket has closed. */
  onClosed(session: AgentSession): void;
  isClosing(): boolean;
  /** @default 10_000 */
  handshakeTimeoutMs: number;
  /** Per-connection limits; omitted: none. */
  limits?: SessionLimits;
  /** Counters for `/metrics`; omitted: nothing is counted. */
  metrics?: SessionMetrics;
  /** Back-pressure from the ingest queue; omitted: agents are never paused for it. */
  pacer?: SessionPacer;
}

/**
 * Paces agents while the ingest queue is past its high-water mark: a session
 * that forwards a frame then stops reading its socket and is held until the
 * queue has room, so the agents' frames wait in TCP buffers and their own
 * journals instead of the relay's memory, and nobody is disconnected for
 * the relay being slow.
 */
export interface SessionPacer {
  /** The queue is past its high-water mark. */
  congested(): boolean;
  /** Keeps `session` until there is room, then calls its `resumeForQueue`. */
  hold(session: AgentSession): void;
  /** The session ended: forget it. */
  release(session: AgentSession): void;
}

/** Limits one agent connection must keep. */
export interface SessionLimits {
  /** Sustained frames per second from the agent; 0 turns the rate limit off. */
  ratePerSec: number;
  /** Frames the agent may send at once above the sustained rate. */
  burst: number;
  /** Bytes queued for sending to the agent beyond which it counts as not reading; 0: no limit. */
  maxSendBufferBytes: number;
}

/** What a session reports to the relay's metrics. */
export interface SessionMetrics {
  frameReceived(type: string): void;
  frameSent(type: string): void;
  /** The connection ended with this code (the relay's when it closed it). */
  closed(code: number): void;
  /** The relay stopped reading from an agent over its frame rate. */
  throttled(): void;
}

type Phase =
  | { name: 'awaiting-hello'; timer: NodeJS.Timeout }
  | { name: 'open'; agentVersion: string }
  /** Close begun (by either side): frames still in the pipe are ignored. */
  | { name: 'ending'; code: number; reason: string; by: 'relay' | 'agent' };

/**
 * One agent connection: handshake (`hello` within the deadline, matching
 * protocol version), then frame dispatch, heartbeat and a single presence
 * `disconnected` however the connection ends. Every event handler is guarded
 * so that nothing one agent sends can throw into the relay.
 */
export class AgentSession implements FrameTarget {
  readonly computerId: string;
  readonly remoteAddress: string | undefined;
  readonly #ws: WebSocket;
  readonly #ctx: SessionContext;
  #phase: Phase;
  #alive = true;
  /** A `connected` presence event was recorded, so a `disconnected` one is owed. */
  #announced = false;
  /** The agent's frame allowance; undefined when the rate limit is off. */
  readonly #bucket: TokenBucket | undefined;
  /** Set while reading is paused because the agent is over its rate. */
  #resumeTimer: NodeJS.Timeout | undefined;
  /** Reading is paused until the ingest queue has room (see {@link SessionPacer}). */
  #heldForQueue = false;
  /** Gives back the unauthenticated-connection slot (at `hello` or close). */
  readonly #releaseSlot: () => void;

  /** @param releaseSlot called once the connection is authenticated (its `hello` arrived) or ends. */
  constructor(
    ws: WebSocket,
    agent: AgentAuthResponse,
    remoteAddress: string | undefined,
    ctx: SessionContext,
    releaseSlot: () => void = () => {},
  ) {
    this.computerId = agent.computerId;
    this.remoteAddress = remoteAddress;
    this.#ws = ws;
    this.#ctx = ctx;
    this.#releaseSlot = releaseSlot;
    const limits = ctx.limits;
    this.#bucket =
      limits && limits.ratePerSec > 0
        ? new TokenBucket(limits.ratePerSec, Math.max(1, limits.burst), Date.now())
        : undefined;
    const timer = setTimeout(
      () => this.close(CloseCode.handshakeFailed, `no hello within ${ctx.handshakeTimeoutMs / 1000} s`),
      ctx.handshakeTimeoutMs,
    );
    this.#phase = { name: 'awaiting-hello', timer };
    ws.on('message', (data, isBinary) => this.#guard(() => this.#onMessage(data, isBinary)));
    ws.on('pong', () => {
      this.#alive = true;
    });
    ws.on('error', (err) => this.#guard(() => this.#onError(err)));
    ws.on('close', (code, reason) => this.#guard(() => this.#onClose(code, reason.toString())));
  }

  /** True until the agent's `hello` (its credential passed the check, but it is not in the registry yet). */
  get awaitingHello(): boolean {
    return this.#phase.name === 'awaiting-hello';
  }

  send(frame: RelayFrame): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    // Acks (and commands) pile up in memory for an agent that does not read; cut it off instead.
    const limit = this.#ctx.limits?.maxSendBufferBytes;
    if (limit && this.#ws.bufferedAmount > limit) {
      this.close(CloseCode.slowConsumer, `agent is not reading: over ${limit} bytes are waiting for it`);
      return;
    }
    this.#ws.send(JSON.stringify(frame));
    this.#ctx.metrics?.frameSent(frame.type);
  }

  /** Starts a clean close; the presence event is recorded now, not when the peer answers. */
  close(code: number, reason: string): void {
    if (!this.#end(code, reason, 'relay')) return;
    this.#ws.close(code, truncate(reason));
  }

  /** Drops the TCP connection without a closing handshake, also when a close is under way. */
  terminate(code: number, reason: string): void {
    this.#end(code, reason, 'relay');
    this.#ws.terminate();
  }

  /** Heartbeat tick: ping, or terminate a peer that did not answer the previous ping. */
  beat(): void {
    this.#guard(() => {
      if (this.#phase.name === 'ending') return;
      if (this.#resumeTimer !== undefined || this.#heldForQueue) {
        // Paused (rate or queue): its pong waits unread behind its frames, so it is judged only once
        // reading resumes; but it must still hear from the relay, or its own heartbeat gives up on us.
        this.#ws.ping();
        return;
      }
      if (!this.#alive)
        return this.terminate(CloseCode.heartbeatTimeout, 'no pong within the heartbeat interval');
      this.#alive = false;
      this.#ws.ping();
    });
  }

  forward(meta: FrameMeta): void {
    if (
      this.#ctx.forward(
        { computerId: this.computerId, receivedAt: meta.receivedAt, text: meta.text },
        meta.size,
      )
    ) {
      const pacer = this.#ctx.pacer;
      if (pacer && !this.#heldForQueue && pacer.congested()) {
        this.#heldForQueue = true;
        this.#ws.pause();
        pacer.hold(this);
      }
      return;
    }
    // Only past the hard bound, which pacing keeps the queue from reaching.
    // Dropping a frame silently would leave a gap the agent's cumulative acks
    // would hide; closing makes the agent re-send everything unacked later.
    this.#ctx.logger.error(
      { computerId: this.computerId },
      'ingest queue full: dropping frame and disconnecting agent so it re-sends later',
    );
    this.close(CloseCode.tryAgainLater, 'relay queue is full; retry later');
  }

  /** The ingest queue has room again: read from the agent (unless its rate still holds it). */
  resumeForQueue(): void {
    this.#guard(() => {
      if (!this.#heldForQueue) return;
      this.#heldForQueue = false;
      // Judged afresh from here: pongs sent during the pause are still unread.
      this.#alive = true;
      if (this.#phase.name !== 'ending' && this.#resumeTimer === undefined) this.#ws.resume();
    });
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (this.#phase.name === 'ending') return;
    this.#alive = true;
    if (this.#bucket && !this.#withinRate(this.#bucket)) return;
    if (isBinary) {
      this.#ctx.metrics?.frameReceived('binary');
      this.close(CloseCode.badFrame, 'binary frames are not accepted');
      return;
    }
    const text = toText(data);
    const parsed = parseChecked(checkAgentFrame, text);
    this.#ctx.metrics?.frameReceived(parsed.ok ? parsed.value.type : 'invalid');
    if (this.#phase.name === 'awaiting-hello') {
      this.#onFirstFrame(parsed, text);
    } else if (parsed.ok) {
      dispatchFrame(this, parsed.value, { receivedAt: Date.now(), size: text.length, text });
    } else {
      this.close(CloseCode.badFrame, parsed.reason);
    }
  }

  /**
   * Rate limit with backpressure: over its allowance, the relay stops reading
   * from the agent until the bucket has refilled a little, so its frames wait
   * in TCP buffers and its own flow control slows it down (an agent catching
   * up after an outage is paced, not disconnected). Frames already read keep
   * arriving for a moment after the pause; if more than a whole burst of them
   * is beyond the allowance, the peer ignores pacing altogether: close it.
   */
  #withinRate(bucket: TokenBucket): boolean {
    const now = Date.now();
    const level = bucket.take(now);
    if (level >= 0) return true;
    if (level < -bucket.burst) {
      this.close(
        CloseCode.rateLimited,
        `too many frames: over ${bucket.ratePerSec}/s with bursts of ${bucket.burst}`,
      );
      return false;
    }
    if (this.#resumeTimer === undefined) {
      this.#ws.pause();
      this.#ctx.metrics?.throttled();
      // Resume with some headroom, so a paced agent is read in small batches rather than frame by frame.
      const headroom = Math.min(bucket.burst, Math.max(1, Math.ceil(bucket.ratePerSec / 10)));
      this.#resumeTimer = setTimeout(
        () =>
          this.#guard(() => {
            this.#resumeTimer = undefined;
            this.#alive = true;
            if (this.#phase.name !== 'ending' && !this.#heldForQueue) this.#ws.resume();
          }),
        Math.max(1, bucket.msUntil(headroom, now)),
      );
    }
    return true;
  }

  #onFirstFrame(parsed: ParseResult<AgentFrame>, text: string): void {
    if (parsed.ok && parsed.value.type === 'hello') {
      this.#onHello(parsed.value);
    } else if (parsed.ok) {
      this.close(CloseCode.handshakeFailed, `first frame must be hello, got ${parsed.value.type}`);
    } else {
      const version = sniffHelloVersion(text);
      if (version !== undefined && version !== PROTOCOL_VERSION) this.#refuseVersion(version);
      else this.close(CloseCode.badFrame, parsed.reason);
    }
  }

  #onHello(hello: HelloFrame): void {
    if (this.#phase.name === 'awaiting-hello') clearTimeout(this.#phase.timer);
    this.#releaseSlot();
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      this.#refuseVersion(hello.protocolVersion);
      return;
    }
    if (this.#ctx.isClosing()) {
      this.close(CloseCode.goingAway, 'relay shutting down');
      return;
    }
    const { registry, relayId, logger } = this.#ctx;
    // Close the old connection first so its `disconnected` precedes our `connected`.
    registry.get(this.computerId)?.close(CloseCode.replaced, 'replaced by a newer connection of this agent');
    registry.set(this);
    this.#phase = { name: 'open', agentVersion: hello.agentVersion };
    const now = Date.now();
    this.send({
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      computerId: this.computerId,
      relayId,
      serverTime: now,
    });
    this.#announced = true;
    this.#ctx.recordPresence({
      computerId: this.computerId,
      state: 'connected',
      at: now,
      agentVersion: hello.agentVersion,
      ...(this.remoteAddress ? { remoteAddress: this.remoteAddress.slice(0, 128) } : {}),
    });
    logger.info(
      {
        computerId: this.computerId,
        hostname: hello.hostname,
        agentVersion: hello.agentVersion,
        remoteAddress: this.remoteAddress,
      },
      'agent connected',
    );
  }

  #refuseVersion(version: number): void {
    this.close(
      CloseCode.unsupportedVersion,
      `protocol version ${version} is not supported; this relay speaks ${PROTOCOL_VERSION}`,
    );
  }

  // ws emits 'error' (then closes) for protocol violations such as an
  // oversized or non-UTF-8 frame; remember why, for the presence event and log.
  #onError(err: Error): void {
    const code = wsErrorCloseCode((err as NodeJS.ErrnoException).code);
    this.#end(code, err.message, 'relay');
  }

  #onClose(code: number, reason: string): void {
    this.#end(code, reason || 'connection closed', 'agent');
    this.#ctx.onClosed(this);
    if (this.#phase.name !== 'ending') return;
    const ending = this.#phase;
    this.#ctx.metrics?.closed(ending.code);
    this.#ctx.logger.info(
      {
        computerId: this.computerId,
        code: ending.code,
        reason: ending.reason,
        by: ending.by,
        remoteAddress: this.remoteAddress,
        handshake: this.#announced,
      },
      'agent disconnected',
    );
  }

  /** Enters the ending phase once; returns false if it had already begun. */
  #end(code: number, reason: string, by: 'relay' | 'agent'): boolean {
    if (this.#phase.name === 'ending') return false;
    if (this.#phase.name === 'awaiting-hello') clearTimeout(this.#phase.timer);
    this.#phase = { name: 'ending', code, reason, by };
    this.#releaseSlot();
    if (this.#resumeTimer !== undefined || this.#heldForQueue) {
      // Read again, so the peer's answer to the close can arrive.
      clearTimeout(this.#resumeTimer);
      this.#resumeTimer = undefined;
      if (this.#heldForQueue) this.#ctx.pacer?.release(this);
      this.#heldForQueue = false;
      this.#ws.resume();
    }
    this.#ctx.registry.remove(this);
    if (this.#announced) {
      this.#ctx.recordPresence({
        computerId: this.computerId,
        state: 'disconnected',
        at: Date.now(),
        reason: truncate(reason, 256),
        code,
      });
    }
    return true;
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#ctx.logger.error(
        { err, computerId: this.computerId },
        'agent handler failed; closing that agent',
      );
      if (this.#phase.name !== 'ending') this.close(CloseCode.internalError, 'internal relay error');
      else this.#ws.terminate();
    }
  }
}
