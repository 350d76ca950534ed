import { AgentFrame, fixtures, parseFrame } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MemorySampleBuffer } from '../buffer/sample-buffer.js';
import { Outbox, type OutboxSocket } from './outbox.js';

class FakeSocket implements OutboxSocket {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly sent: Array<{ text: string; done: (err?: Error) => void }> = [];

  send(text: string, cb: (err?: Error) => void): void {
    this.sent.push({ text, done: cb });
  }

  seqs(): number[] {
    return this.sent.flatMap(({ text }) => {
      const frame = parseFrame(AgentFrame, text);
      return frame.ok && frame.value.type === 'metrics' ? [frame.value.seq] : [];
    });
  }
}

function setup(seqs: number[]) {
  const store = new MemorySampleBuffer(100);
  for (const seq of seqs) store.push(seq, fixtures.sample(seq));
  const socket = new FakeSocket();
  return { store, socket, outbox: new Outbox(socket, store, 1024) };
}

describe('Outbox', () => {
  it('sends every waiting sample once, in order, and only new ones afterwards', () => {
    const { store, socket, outbox } = setup([1, 2, 3]);
    outbox.flush();
    outbox.flush();
    expect(socket.seqs()).toEqual([1, 2, 3]);
    store.ack(2);
    store.push(4, fixtures.sample());
    outbox.flush();
    expect(socket.seqs()).toEqual([1, 2, 3, 4]);
    expect(outbox.lastSentSeq).toBe(4);
  });

  it('stops while the socket holds more than the limit and resumes when a write drains', () => {
    const { socket, outbox } = setup([1, 2, 3]);
    socket.bufferedAmount = 4096;
    outbox.send({ type: 'ping', ts: 1 });
    outbox.flush();
    expect(socket.seqs()).toEqual([]);

    socket.bufferedAmount = 0;
    socket.sent[0]?.done();
    expect(socket.seqs()).toEqual([1, 2, 3]);
  });

  it('sends nothing once closed or when the socket is not open', () => {
    const { socket, outbox } = setup([1]);
    socket.readyState = WebSocket.CLOSING;
    outbox.flush();
    outbox.send({ type: 'ping', ts: 1 });
    socket.readyState = WebSocket.OPEN;
    outbox.close();
    outbox.flush();
    expect(socket.sent).toEqual([]);
  });
});
