import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AgentFrame, parseFrame, type RelayFrame } from '@labmgr/protocol';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';

/** How the fake relay answers an upgrade: accept, or refuse with an HTTP status and body. */
export type UpgradeDecision = { accept: true } | { accept: false; status: number; body: string };

/** One agent connection as the fake relay sees it. */
export class RelaySide {
  readonly received: AgentFrame[] = [];
  /** Reasons for frames that failed the protocol schema; tests expect none. */
  readonly invalid: string[] = [];
  readonly authorization: string | undefined;
  private waiters: Array<() => void> = [];

  constructor(
    readonly socket: WebSocket,
    req: IncomingMessage,
  ) {
    this.authorization = req.headers.authorization;
    socket.on('message', (data) => {
      const parsed = parseFrame(AgentFrame, String(data));
      if (parsed.ok) this.received.push(parsed.value);
      else this.invalid.push(parsed.reason);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  send(frame: RelayFrame | { type: string }): void {
    this.socket.send(JSON.stringify(frame));
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  welcome(computerId = '0b4c8a3e-5f0e-4e7a-9b2d-1c3d4e5f6a7b'): void {
    this.send({
      type: 'welcome',
      protocolVersion: 1,
      computerId,
      relayId: 'fake-relay',
      serverTime: Date.now(),
    });
  }

  /** Resolves once the agent has sent `count` frames on this connection in total. */
  async frames(count: number): Promise<AgentFrame[]> {
    while (this.received.length < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.received.slice(0, count);
  }

  /** Resolves with the first frame matching `predicate`, waiting for it if needed. */
  async waitFor<T extends AgentFrame>(predicate: (f: AgentFrame) => f is T): Promise<T> {
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

/**
 * A tiny relay on 127.0.0.1, port 0, for testing the agent's connection
 * module alone: it authenticates at the upgrade like the real one (or
 * refuses), records every frame and lets the test script the answers.
 */
export class FakeRelay {
  readonly connections: RelaySide[] = [];
  decide: (req: IncomingMessage) => UpgradeDecision = () => ({ accept: true });
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly server: Server;
  private waiters: Array<() => void> = [];

  private constructor() {
    this.server = createServer((_req, res) => res.writeHead(404).end());
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const decision = this.decide(req);
      if (!decision.accept) {
        socket.end(
          `HTTP/1.1 ${decision.status} Refused\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(decision.body)}\r\nConnection: close\r\n\r\n${decision.body}`,
        );
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.connections.push(new RelaySide(ws, req));
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
  }

  static async start(): Promise<FakeRelay> {
    const relay = new FakeRelay();
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get url(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('fake relay is not listening');
    return `ws://127.0.0.1:${address.port}/agent`;
  }

  /** Resolves with the n-th (0-based) accepted connection. */
  async connection(index: number): Promise<RelaySide> {
    for (;;) {
      const found = this.connections[index];
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
