import { EventEmitter } from 'node:events';
import type { LiveEvent } from '@labmgr/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { LiveHub, type LiveOwner } from './live-hub.js';

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
const alice: LiveOwner = { userId: 'u-alice', sessionId: 's-alice-1', tokenId: null };
const bob: LiveOwner = { userId: 'u-bob', sessionId: 's-bob', tokenId: null };

describe('LiveHub', () => {
  afterEach(() => vi.useRealTimers());

  it('sends the events of one window as one frame: the bare event alone, a JSON array when several', () => {
    vi.useFakeTimers();
    const hub = new LiveHub(100);
    const socket = fakeSocket();
    hub.add(socket, alice);

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
    hub.add(socket, alice);
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
    hub.add(slow, alice);
    hub.add(fast, bob);
    hub.publish(event(1));
    expect(slow.sent).toEqual([]);
    expect(slow.close).toHaveBeenCalledWith(1013, expect.any(String));
    expect(fast.sent).toHaveLength(1);
  });

  it('closes exactly the sockets of the credentials that ended, and sends them nothing more', () => {
    const hub = new LiveHub(0);
    const aliceSession1 = fakeSocket();
    const aliceSession2 = fakeSocket();
    const aliceToken = fakeSocket();
    const bobSocket = fakeSocket();
    hub.add(aliceSession1, alice);
    hub.add(aliceSession2, { ...alice, sessionId: 's-alice-2' });
    hub.add(aliceToken, { userId: 'u-alice', sessionId: null, tokenId: 't-alice' });
    hub.add(bobSocket, bob);

    hub.revoke({ kind: 'session', sessionId: 's-alice-1' }, 4401, 'signed out');
    expect(aliceSession1.close).toHaveBeenCalledWith(4401, 'signed out');
    hub.publish(event(1));
    expect(aliceSession1.sent).toEqual([]);
    expect([aliceSession2, aliceToken, bobSocket].map((s) => s.sent.length)).toEqual([1, 1, 1]);

    // A password reset ends the sessions, not the API tokens.
    hub.revoke({ kind: 'user-sessions', userId: 'u-alice', exceptSessionId: null }, 4401, 'password reset');
    expect(aliceSession2.close).toHaveBeenCalled();
    expect(aliceToken.close).not.toHaveBeenCalled();
    hub.revoke({ kind: 'token', tokenId: 't-alice' }, 4401, 'API token revoked');
    expect(aliceToken.close).toHaveBeenCalledWith(4401, 'API token revoked');
    expect(bobSocket.close).not.toHaveBeenCalled();
    expect(hub.size).toBe(1);

    hub.revoke({ kind: 'user', userId: 'u-bob' }, 4403, 'role changed');
    expect(bobSocket.close).toHaveBeenCalledWith(4403, 'role changed');
    expect(hub.size).toBe(0);
  });

  it('closes at once a socket authenticated before its credentials ended but added after', () => {
    let now = 1000;
    const hub = new LiveHub(0, () => now);
    hub.revoke({ kind: 'session', sessionId: 's-alice-1' }, 4401, 'signed out');
    const late = fakeSocket();
    hub.add(late, alice, 999);
    expect(late.close).toHaveBeenCalledWith(4401, 'signed out');
    expect(hub.size).toBe(0);
    // A new sign-in after the end is not affected, nor is the end remembered for ever.
    const fresh = fakeSocket();
    hub.add(fresh, alice, 1001);
    expect(fresh.close).not.toHaveBeenCalled();
    now = 1000 + 61_000;
    const old = fakeSocket();
    hub.add(old, { ...alice, sessionId: 'other' }, 0);
    expect(old.close).not.toHaveBeenCalled();
  });
});
