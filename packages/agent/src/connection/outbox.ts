import type { AgentFrame } from '@labmgr/protocol';
import WebSocket from 'ws';
import type { SampleStore } from '../buffer/sample-buffer.js';

/** The part of a `ws` socket the outbox uses; tests pass a fake. */
export interface OutboxSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string, cb: (err?: Error) => void): void;
}

/** @default 1 MiB — above this much unsent data the agent stops queueing more. */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Sends on one welcomed socket: control frames at once, samples from the
 * store in `seq` order. The cursor is a sequence number, not an index, so acks
 * removing entries underneath it change nothing. A new socket gets a new
 * Outbox whose cursor starts at 0: everything still unacked is sent again.
 *
 * Flow control: while `bufferedAmount` exceeds the limit no sample is queued;
 * the write callback of the frames in flight resumes sending once they drain
 * (`ws` has no `drain` event of its own).
 */
export class Outbox {
  private sentUpTo = 0;
  private blocked = false;
  private closed = false;

  constructor(
    private readonly socket: OutboxSocket,
    private readonly store: SampleStore,
    private readonly maxBufferedBytes: number = DEFAULT_MAX_BUFFERED_BYTES,
  ) {}

  /** Highest seq written to this socket so far (0 before the first). */
  get lastSentSeq(): number {
    return this.sentUpTo;
  }

  /** Sends a control or inventory frame now, ahead of any waiting samples. */
  send(frame: AgentFrame): void {
    this.write(JSON.stringify(frame));
  }

  /** Like `send`, for a frame encoded earlier (a queued command frame). */
  sendText(text: string): void {
    this.write(text);
  }

  /** Sends waiting samples until the store is exhausted or the socket is saturated. */
  flush(): void {
    while (!this.closed && this.socket.readyState === WebSocket.OPEN) {
      if (this.socket.bufferedAmount > this.maxBufferedBytes) {
        this.blocked = true;
        return;
      }
      const next = this.store.firstAfter(this.sentUpTo);
      if (!next) return;
      this.write(next.text);
      this.sentUpTo = next.seq;
      this.store.sent(next.seq);
    }
  }

  /** The socket is gone; late write callbacks must not touch it. Tells the store (once). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.store.connectionEnded();
  }

  private write(text: string): void {
    if (this.closed || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(text, (err) => {
      if (err || !this.blocked) return;
      this.blocked = false;
      this.flush();
    });
  }
}
