import type { IncomingMessage } from 'node:http';
import type { Inventory, WelcomeFrame } from '@labmgr/protocol';
import { checkRelayFrame, PROTOCOL_VERSION, parseChecked } from '@labmgr/protocol/compiled';
import type WebSocket from 'ws';
import type { CommandExecutor, HandlerContext } from '../handlers/context.js';
import { dispatchRelayFrame } from '../handlers/registry.js';
import { CertificateError } from '../http/tls-pin.js';
import { DEFAULT_BACKOFF, fullJitterDelay } from './backoff.js';
import { closeCodeName } from './close-codes.js';
import { CommandChannel, type CommandProgressFrame } from './command-outbox.js';
import type { ConnectionEvent, ConnectionState, ConnectionStatus } from './connection-state.js';
import { DEFAULT_HEARTBEAT, Heartbeat } from './heartbeat.js';
import type { AgentConnectionOptions } from './options.js';
import { DEFAULT_MAX_BUFFERED_BYTES, Outbox } from './outbox.js';
import { describeRefusal, readRefusalBody } from './refusal.js';
import { closeSocket, InsecureRelayUrlError, openSocket, rawToText } from './socket.js';

export type { AgentConnectionOptions } from './options.js';

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
  private readonly commands: CommandChannel;

  constructor(private readonly options: AgentConnectionOptions) {
    this.inventory = options.inventory;
    this.commands = new CommandChannel(options.log, options.commands);
  }

  /**
   * Opens the first connection. Does nothing unless idle. With a pinned
   * certificate and a URL that is not `wss://` it opens nothing at all: the
   * state becomes `stopped` and `lastError` says why.
   */
  start(): void {
    if (this.state.kind !== 'idle') return;
    this.connect(0);
  }

  /** Installs the command executor (it usually needs `sendCommandFrame`, hence after construction). */
  setCommandExecutor(commands: CommandExecutor | undefined): void {
    this.commands.executor = commands;
  }

  /**
   * Sends a command's progress now if connected, else queues it (bounded, in
   * memory) for right after the next `welcome`. Not numbered or acked like
   * samples: a frame lost with a dying socket is not sent again.
   */
  sendCommandFrame(frame: CommandProgressFrame): void {
    this.commands.send(frame, this.state.kind === 'ready' ? this.state.outbox : null);
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
      queuedCommandFrames: this.commands.queued,
      droppedCommandFrames: this.commands.dropped,
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
    const pin = this.options.serverCertFingerprint ?? null;
    let socket: WebSocket;
    try {
      socket = openSocket(url, credential, this.options.handshakeTimeoutMs ?? 10_000, pin);
    } catch (err) {
      if (!(err instanceof InsecureRelayUrlError)) throw err;
      // A pin with a ws:// URL: no socket was opened and none ever will be
      // (the URL is fixed for this connection), so stop rather than retry.
      this.lastError = err.message;
      log.error({ url, pin }, err.message);
      this.setState({ kind: 'stopped' });
      return;
    }
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
      if (!this.isCurrent(socket) || refused) return;
      this.lastError = err.message;
      if (err instanceof CertificateError) {
        // Refused before the upgrade request (and its credential) was written; retried with backoff.
        log.error({ url, expected: pin, presented: err.presented }, `refusing relay: ${err.message}`);
      }
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
    const parsed = parseChecked(checkRelayFrame, rawToText(data));
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
      liveMode: (frame) =>
        this.emit({ type: 'live-mode', intervalMs: frame.intervalMs, ttlSec: frame.ttlSec }),
      send: (frame) => s.outbox.send(frame),
      sendCommandFrame: (frame) => this.sendCommandFrame(frame),
      commands: this.commands.executor,
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
    // Order matters: the backend expects to know the computer before its
    // samples; command results are small and someone is waiting for them.
    if (this.inventory) s.outbox.send({ type: 'inventory', inventory: this.inventory });
    this.commands.flushTo(s.outbox);
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
    const refusal = describeRefusal(status, body);
    this.lastError = refusal.lastError;
    this.options.log.warn({ status, body: refusal.message }, refusal.logLine);
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
