// A scripted agent for relay tests: a real `ws` client with an inbox, so a
// test awaits frames and close events instead of sleeping. Not part of the build.
import { fixtures, type RelayFrame } from '@labmgr/protocol';
import { type ClientOptions, WebSocket } from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

export interface Refusal {
  status: number | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export class TestAgent {
  readonly ws: WebSocket;
  /** Resolves when the connection has closed, with the code and reason the client saw. */
  readonly closed: Promise<Closed>;
  readonly #inbox: RelayFrame[] = [];
  readonly #waiters: Array<{ resolve: (frame: RelayFrame) => void; reject: (err: Error) => void }> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as RelayFrame;
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve(frame);
      else this.#inbox.push(frame);
    });
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error(`closed ${code} ${reason}`));
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  /** Connects with `Authorization: Bearer <credential>`; rejects with the refusal if the relay says no. */
  static connect(
    port: number,
    credential: string | undefined,
    options: ClientOptions = {},
  ): Promise<TestAgent> {
    const headers: Record<string, string> =
      credential === undefined ? {} : { authorization: `Bearer ${credential}` };
    const ws = new WebSocket(`ws://127.0.0.1:${port}/agent`, { ...options, headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestAgent(ws)));
      ws.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += String(chunk);
        });
        res.on('end', () => {
          const refusal: Refusal = { status: res.statusCode, headers: res.headers, body: JSON.parse(text) };
          reject(refusal);
        });
      });
      ws.once('error', reject);
    });
  }

  /** The refusal of a connection attempt the relay must turn down. */
  static async refusal(port: number, credential: string | undefined): Promise<Refusal> {
    try {
      const agent = await TestAgent.connect(port, credential);
      agent.ws.close();
    } catch (refusal) {
      return refusal as Refusal;
    }
    throw new Error('the relay accepted the connection');
  }

  /** Connects and completes the handshake; resolves once `welcome` arrived. */
  static async open(port: number, credential: string, options: ClientOptions = {}): Promise<TestAgent> {
    const agent = await TestAgent.connect(port, credential, options);
    agent.send(fixtures.hello());
    const welcome = await agent.next();
    if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${welcome.type}`);
    return agent;
  }

  /** The next frame from the relay (rejects if the connection closes first). */
  next(): Promise<RelayFrame> {
    const frame = this.#inbox.shift();
    if (frame) return Promise.resolve(frame);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Skips frames until one matches. */
  async until(predicate: (frame: RelayFrame) => boolean): Promise<RelayFrame> {
    for (;;) {
      const frame = await this.next();
      if (predicate(frame)) return frame;
    }
  }

  /** Sends a string as is, anything else as JSON. */
  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Round trip through the relay: once the pong is back, every earlier frame was handled. */
  async sync(): Promise<void> {
    const ts = Date.now();
    this.send({ type: 'ping', ts });
    await this.until((f) => f.type === 'pong' && f.ts === ts);
  }

  metrics(seq: number): void {
    this.send({ type: 'metrics', seq, sample: fixtures.sample(Date.now()) });
  }
}
