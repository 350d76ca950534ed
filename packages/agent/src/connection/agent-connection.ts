import type { IncomingMessage } from 'node:http';
import {
  type Inventory,
  PROTOCOL_VERSION,
  parseFrame,
  RelayFrame,
  type WelcomeFrame,
} from '@labmgr/protocol';
import type { Logger } from 'pino';
import type WebSocket from 'ws';
import type { SampleStore } from '../buffer/sample-buffer.js';
import type { HandlerContext } from '../handlers/context.js';
import { dispatchRelayFrame } from '../handlers/registry.js';
import { type BackoffOptions, DEFAULT_BACKOFF, fullJitterDelay } from './backoff.js';
import { closeCodeName } from './close-codes.js';
import type { ConnectionEvent, ConnectionState, ConnectionStatus } from './connection-state.js';
import { DEFAULT_HEARTBEAT, Heartbeat, type HeartbeatOptions } from './heartbeat.js';
import { DEFAULT_MAX_BUFFERED_BYTES, Outbox } from './outbox.js';
import { readRefusalBody, refusalMessage } from './refusal.js';
import { closeSocket, openSocket, rawToText } from './socket.js';

export interface AgentConnectionOptions {
  /** The relay's agent endpoint, e.g. `ws://127.0.0.1:8081/agent`. */
  readonly url: string;
  /** Sent as `Authorization: Bearer …` on the upgrade request. */
  readonly credential: string;
  readonly hostname: string;
  readonly agentVersion: string;
  /** Samples waiting for their ack; read on every (re)connect. */
  readonly store: SampleStore;
  /** Sent after every welcome; replace with `updateInventory`. `null` until one could be collected. */
  readonly inventory: Inventory | null;
  readonly log: Logger;
  /** @default { baseMs: 1000, capMs: 60000 } */
  readonly backoff?: BackoffOptions;
  /** @default { intervalMs: 15000, timeoutMs: 45000 } */
  readonly heartbeat?: HeartbeatOptions;
  /** @default 1 MiB */
  readonly maxBufferedBytes?: number;
  /** Time allowed for the HTTP upgrade. @default 10000 */
  readonly handshakeTimeoutMs?: number;
  /** Time allowed between `hello` and `welcome`. @default 30000 */
  readonly welcomeTimeoutMs?: number;
  /** Randomness for the backoff jitter. @default Math.random */
  readonly random?: () => number;
}

/**
 * The agent's one WebSocket to its relay, kept open for the life of `run`:
 * hello → welcome → inventory → every unacked sample in order → new samples.
 * Any failure leads back through `waiting` with full-jitter backoff.
 */
export class AgentConnection {
  private state: ConnectionState = { kind: 'idle' };
  private inventory: Inventory | null;
  private readonly listeners = new Set<(event: ConnectionEvent) => void>();
  private lastAckSeq: number | null = null;
  private lastAckAt: number | null = null;
  private lastError: string | null = null;

  constructor(private readonly options: AgentConnectionOptions) {
    this.inventory = options.inventory;
  }

  /** Opens the first connection. Does nothing unless idle. */
  start(): void {
    if (this.state.kind === 'idle') this.connect(0);
  }

  /** Sends samples the store gained since the last call (no-op unless ready). */
  flush(): void {
    if (this.state.kind === 'ready') this.state.outbox.flush();
  }

  /** Remembers the new inventory and sends it now if connected. */
  updateInventory(inventory: Inventory): void {
    this.inventory = inventory;
    if (this.state.kind === 'ready') this.state.outbox.send({ type: 'inventory', inventory });
  }

  onEvent(listener: (event: ConnectionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): ConnectionStatus {
    const s = this.state;
    return {
      state: s.kind,
      connected: s.kind === 'ready',
      connectedSince: s.kind === 'ready' ? s.since : null,
      lastAckSeq: this.lastAckSeq,
      lastAckAt: this.lastAckAt,
      lastError: this.lastError,
    };
  }

  /** Closes with 1001 (going away) and stops reconnecting. Resolves once the socket is closed. */
  async stop(reason = 'agent shutting down'): Promise<void> {
    const previous = this.state;
    this.setState({ kind: 'stopped' });
    switch (previous.kind) {
      case 'idle':
      case 'stopped':
        return;
      case 'waiting':
        clearTimeout(previous.timer);
        return;
      case 'connecting':
        previous.socket.terminate();
        return;
      case 'handshaking':
      case 'ready':
        this.teardown(previous);
        await closeSocket(previous.socket, reason);
        return;
    }
  }

  private connect(retries: number): void {
    const { url, credential, log } = this.options;
    const socket = openSocket(url, credential, this.options.handshakeTimeoutMs ?? 10_000);
    let refused = false;
    socket.on('open', () => this.onOpen(socket));
    socket.on('message', (data, isBinary) => this.onMessage(socket, data, isBinary));
    socket.on('ping', () => this.touch(socket));
    socket.on('pong', () => this.touch(socket));
    socket.on('unexpected-response', (_req, res) => {
      refused = true;
      void this.onRefused(socket, res);
    });
    socket.on('error', (err) => {
      if (this.isCurrent(socket) && !refused) this.lastError = err.message;
    });
    socket.on('close', (code, reason) => this.onClose(socket, code, reason.toString('utf8'), refused));
    log.debug({ url, retries }, 'connecting to relay');
    this.setState({ kind: 'connecting', socket, retries });
  }

  private onOpen(socket: WebSocket): void {
    const s = this.state;
    if (s.kind !== 'connecting' || s.socket !== socket) return;
    const outbox = new Outbox(
      socket,
      this.options.store,
      this.options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    );
    const heartbeat = new Heartbeat(this.options.heartbeat ?? DEFAULT_HEARTBEAT, {
      sendPing: () => outbox.send({ type: 'ping', ts: Date.now() }),
      onSilence: () => this.abandon(socket, 'no traffic from relay within the heartbeat timeout'),
    });
    const welcomeDeadline = setTimeout(
      () => this.abandon(socket, 'relay did not answer hello with welcome in time'),
      this.options.welcomeTimeoutMs ?? 30_000,
    );
    heartbeat.start();
    this.setState({ kind: 'handshaking', socket, retries: s.retries, heartbeat, outbox, welcomeDeadline });
    outbox.send({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: this.options.agentVersion,
      hostname: this.options.hostname,
    });
  }

  private onMessage(socket: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    const s = this.state;
    if ((s.kind !== 'handshaking' && s.kind !== 'ready') || s.socket !== socket) return;
    s.heartbeat.touch();
    if (isBinary) {
      this.options.log.warn('ignoring binary frame from relay');
      return;
    }
    const parsed = parseFrame(RelayFrame, rawToText(data));
    if (!parsed.ok) {
      this.options.log.warn({ reason: parsed.reason }, 'ignoring invalid frame from relay');
      return;
    }
    dispatchRelayFrame(parsed.value, this.handlerContext(s));
  }

  private handlerContext(s: Extract<ConnectionState, { kind: 'handshaking' | 'ready' }>): HandlerContext {
    return {
      phase: s.kind,
      log: this.options.log,
      accept: (frame) => this.onWelcome(s.socket, frame),
      acknowledge: (seq) => this.onAck(seq),
      send: (frame) => s.outbox.send(frame),
    };
  }

  private onWelcome(socket: WebSocket, welcome: WelcomeFrame): void {
    const s = this.state;
    if (s.kind !== 'handshaking' || s.socket !== socket) return;
    clearTimeout(s.welcomeDeadline);
    this.lastError = null;
    this.setState({
      kind: 'ready',
      socket,
      heartbeat: s.heartbeat,
      outbox: s.outbox,
      welcome,
      since: Date.now(),
    });
    this.options.log.info(
      { relayId: welcome.relayId, computerId: welcome.computerId, unacked: this.options.store.size },
      'connected to relay',
    );
    this.emit({ type: 'welcome', frame: welcome });
    // Order matters: the backend expects to know the computer before its samples.
    if (this.inventory) s.outbox.send({ type: 'inventory', inventory: this.inventory });
    s.outbox.flush();
  }

  private onAck(seq: number): void {
    const removed = this.options.store.ack(seq);
    this.lastAckSeq = Math.max(this.lastAckSeq ?? 0, seq);
    this.lastAckAt = Date.now();
    this.options.log.debug({ seq, removed, buffered: this.options.store.size }, 'ack');
    this.emit({ type: 'ack', seq, removed });
  }

  private async onRefused(socket: WebSocket, res: IncomingMessage): Promise<void> {
    const status = res.statusCode ?? 0;
    const body = await readRefusalBody(res);
    const message = refusalMessage(body);
    this.lastError = `relay refused the connection: HTTP ${status}${message ? ` ${message}` : ''}`;
    const hint = status === 401 || status === 403 ? ' (credential rejected: re-enroll this agent?)' : '';
    this.options.log.warn({ status, body: message }, `relay refused the connection${hint}`);
    this.emit({ type: 'refused', status, body });
    // Aborts the handshake; `ws` then emits `close`, which schedules the retry.
    socket.terminate();
  }

  private onClose(socket: WebSocket, code: number, reason: string, refused: boolean): void {
    const s = this.state;
    if (s.kind === 'idle' || s.kind === 'waiting' || s.kind === 'stopped' || s.socket !== socket) return;
    if (s.kind !== 'connecting') this.teardown(s);
    if (s.kind === 'connecting') {
      if (!refused)
        this.options.log.warn({ url: this.options.url, error: this.lastError }, 'cannot reach relay');
    } else {
      const codeName = closeCodeName(code);
      this.lastError = `connection closed: ${code} ${codeName}${reason ? ` (${reason})` : ''}`;
      this.options.log.warn({ code, codeName, reason, state: s.kind }, 'connection to relay closed');
    }
    this.emit({ type: 'closed', code, reason });
    this.scheduleRetry(s.kind === 'ready' ? 0 : s.retries);
  }

  private scheduleRetry(retries: number): void {
    const delayMs = fullJitterDelay(retries, this.options.backoff ?? DEFAULT_BACKOFF, this.options.random);
    const timer = setTimeout(() => {
      if (this.state.kind === 'waiting' && this.state.timer === timer) this.connect(retries + 1);
    }, delayMs);
    this.options.log.info({ delayMs, retries }, 'reconnecting after backoff');
    this.setState({ kind: 'waiting', retries, delayMs, timer });
    this.emit({ type: 'retry', retries, delayMs });
  }

  /** Kills a socket that stopped behaving; the resulting `close` schedules the retry. */
  private abandon(socket: WebSocket, why: string): void {
    if (!this.isCurrent(socket)) return;
    this.options.log.warn(why);
    this.lastError = why;
    socket.terminate();
  }

  private touch(socket: WebSocket): void {
    const s = this.state;
    if ((s.kind === 'handshaking' || s.kind === 'ready') && s.socket === socket) s.heartbeat.touch();
  }

  private teardown(s: Extract<ConnectionState, { kind: 'handshaking' | 'ready' }>): void {
    s.heartbeat.stop();
    s.outbox.close();
    if (s.kind === 'handshaking') clearTimeout(s.welcomeDeadline);
  }

  private isCurrent(socket: WebSocket): boolean {
    return 'socket' in this.state && this.state.socket === socket;
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.emit({ type: 'state', state: state.kind });
  }

  private emit(event: ConnectionEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
