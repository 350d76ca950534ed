import { EventEmitter } from 'node:events';
import type { LiveEvent } from '@labmgr/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { LiveHub } from './live-hub.js';

/** A socket that records what it was sent. */
function fakeSocket(): WebSocket & { sent: string[] } {
  const socket = Object.assign(new EventEmitter(), {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    sent: [] as string[],
    send(text: string) {
      socket.sent.push(text);
    },
    close: vi.fn(),
  });
  return socket as unknown as WebSocket & { sent: string[] };
}

const event = (n: number): LiveEvent => ({ type: 'hello', protocolVersion: 1, serverTime: n });

describe('LiveHub', () => {
  afterEach(() => vi.useRealTimers());

  it('sends the events of one window as one frame: the bare event alone, a JSON array when several', () => {
    vi.useFakeTimers();
    const hub = new LiveHub(100);
    const socket = fakeSocket();
    hub.add(socket);

    hub.publish(event(1));
    expect(socket.sent).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(socket.sent.map((t) => JSON.parse(t))).toEqual([event(1)]);

    hub.publish(event(2));
    hub.publish(event(3));
    vi.advanceTimersByTime(99);
    expect(socket.sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(socket.sent.map((t) => JSON.parse(t))).toEqual([event(1), [event(2), event(3)]]);
  });

  it('sends a long batch at once, and what is pending when closing', () => {
    vi.useFakeTimers();
    const hub = new LiveHub(100);
    const socket = fakeSocket();
    hub.add(socket);
    for (let i = 0; i < 2000; i++) hub.publish(event(i));
    expect(socket.sent).toHaveLength(1);
    expect(JSON.parse(socket.sent[0] as string)).toHaveLength(2000);

    hub.publish(event(7));
    hub.closeAll();
    expect(socket.sent.map((t) => JSON.parse(t))).toHaveLength(2);
    expect(JSON.parse(socket.sent[1] as string)).toEqual(event(7));
    expect(socket.close).toHaveBeenCalledWith(1001, 'server shutting down');
  });

  it('drops a browser too slow to keep up instead of queuing more for it', () => {
    const hub = new LiveHub(0);
    const slow = fakeSocket();
    const fast = fakeSocket();
    (slow as { bufferedAmount: number }).bufferedAmount = 9 * 1024 * 1024;
    hub.add(slow);
    hub.add(fast);
    hub.publish(event(1));
    expect(slow.sent).toEqual([]);
    expect(slow.close).toHaveBeenCalledWith(1013, expect.any(String));
    expect(fast.sent).toHaveLength(1);
  });
});
