// AgentSession's per-connection limits against a scripted socket, with fake
// timers: the rate limit (pause, resume, close) and the slow-consumer cut-off.
import { EventEmitter } from 'node:events';
import { CloseCode, fixtures } from '@labmgr/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { AgentRegistry } from './registry.js';
import { AgentSession, type SessionContext, type SessionLimits } from './session.js';

/** The part of a `ws` socket a session uses, with what happened to it. */
class FakeSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  paused = false;
  pauses = 0;
  sent: string[] = [];
  closedWith: { code: number; reason: string } | undefined;
  send(text: string) {
    this.sent.push(text);
  }
  pause() {
    this.paused = true;
    this.pauses += 1;
  }
  resume() {
    this.paused = false;
  }
  ping() {}
  close(code: number, reason: string) {
    this.closedWith ??= { code, reason };
    this.readyState = 2;
  }
  terminate() {
    this.readyState = 3;
  }
  /** Delivers one text frame as `ws` would. */
  frame(value: unknown) {
    this.emit('message', Buffer.from(JSON.stringify(value)), false);
  }
}

const counts = { received: 0, sent: 0, throttled: 0, closed: [] as number[] };

function open(limits: SessionLimits): { ws: FakeSocket; session: AgentSession; slotReleased: () => boolean } {
  const ws = new FakeSocket();
  let released = false;
  const ctx: SessionContext = {
    relayId: 'relay-test',
    logger: pino({ level: 'silent' }),
    registry: new AgentRegistry<AgentSession>(),
    forward: () => true,
    recordPresence: () => {},
    onClosed: () => {},
    isClosing: () => false,
    handshakeTimeoutMs: 10_000,
    limits,
    metrics: {
      frameReceived: () => {
        counts.received += 1;
      },
      frameSent: () => {
        counts.sent += 1;
      },
      throttled: () => {
        counts.throttled += 1;
      },
      closed: (code) => counts.closed.push(code),
    },
  };
  const session = new AgentSession(
    ws as unknown as WebSocket,
    { computerId: '6c3f2a1e-1b2c-4d5e-8f90-1234567890ab', hostname: 'pc-a' },
    '127.0.0.1',
    ctx,
    () => {
      released = true;
    },
  );
  return { ws, session, slotReleased: () => released };
}

const ping = (ts: number) => ({ type: 'ping', ts });

beforeEach(() => {
  vi.useFakeTimers();
  Object.assign(counts, { received: 0, sent: 0, throttled: 0, closed: [] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('rate limit', () => {
  it('stops reading from an agent over its rate and reads again once the bucket refilled', () => {
    const { ws } = open({ ratePerSec: 10, burst: 5, maxSendBufferBytes: 0 });
    ws.frame(fixtures.hello());
    for (let i = 0; i < 4; i += 1) ws.frame(ping(i));
    expect(ws.paused).toBe(false);
    ws.frame(ping(4)); // the 6th frame: one over
    expect(ws.paused).toBe(true);
    expect(counts.throttled).toBe(1);
    // Frames already read still count, and are still handled.
    ws.frame(ping(5));
    expect(ws.sent.filter((t) => t.includes('"pong"'))).toHaveLength(6);
    expect(ws.pauses).toBe(1);
    // Paused at a debt of 1; resumes at a level of 1 (a tenth of a second's worth): 200 ms at 10/s.
    vi.advanceTimersByTime(199);
    expect(ws.paused).toBe(true);
    vi.advanceTimersByTime(1);
    expect(ws.paused).toBe(false);
    expect(ws.closedWith).toBeUndefined();
  });

  it('closes with rateLimited (4429) and a reason once more than a burst arrives beyond the allowance', () => {
    const { ws } = open({ ratePerSec: 10, burst: 5, maxSendBufferBytes: 0 });
    ws.frame(fixtures.hello());
    // 5 within the burst (hello included), then a debt of up to 5 (one burst) is tolerated...
    for (let i = 0; i < 9; i += 1) ws.frame(ping(i));
    expect(ws.closedWith).toBeUndefined();
    // ...the 6th frame in debt is more than a burst beyond the allowance.
    ws.frame(ping(9));
    expect(ws.closedWith).toEqual({
      code: CloseCode.rateLimited,
      reason: expect.stringMatching(/too many frames.*10\/s/),
    });
    expect(ws.paused).toBe(false); // reading resumes so the close handshake can finish
    ws.emit('close', CloseCode.rateLimited, Buffer.from(''));
    expect(counts.closed).toEqual([CloseCode.rateLimited]);
  });

  it('paces an agent that catches up (honours the pauses) instead of closing it', () => {
    const { ws } = open({ ratePerSec: 50, burst: 20, maxSendBufferBytes: 0 });
    ws.frame(fixtures.hello());
    const start = Date.now();
    let sent = 0;
    // An agent with 500 buffered samples: it sends whenever the relay reads.
    while (sent < 500) {
      if (ws.paused) {
        vi.advanceTimersByTime(10);
        continue;
      }
      // The tail of a TCP read arrives even after a pause: up to 3 frames at once here.
      for (let i = 0; i < 3 && sent < 500; i += 1) {
        ws.frame({ type: 'metrics', seq: sent + 1, sample: fixtures.sample(Date.now()) });
        sent += 1;
      }
    }
    expect(ws.closedWith).toBeUndefined();
    const seconds = (Date.now() - start) / 1000;
    // (500 + hello - 20 burst) / 50 per second, give or take a pause.
    expect(seconds).toBeGreaterThan(9);
    expect(seconds).toBeLessThan(10.5);
  });

  it('does not judge a paused agent by its heartbeat: its pong waits unread', () => {
    const { ws, session } = open({ ratePerSec: 1, burst: 1, maxSendBufferBytes: 0 });
    ws.frame(fixtures.hello());
    ws.frame(ping(1));
    expect(ws.paused).toBe(true);
    const terminate = vi.spyOn(ws, 'terminate');
    session.beat();
    session.beat();
    expect(terminate).not.toHaveBeenCalled();
  });

  it('is off with a rate of 0', () => {
    const { ws } = open({ ratePerSec: 0, burst: 1, maxSendBufferBytes: 0 });
    ws.frame(fixtures.hello());
    for (let i = 0; i < 1000; i += 1) ws.frame(ping(i));
    expect(ws.paused).toBe(false);
    expect(ws.closedWith).toBeUndefined();
  });
});

describe('slow consumer', () => {
  it('closes with slowConsumer (4413) instead of queueing more for an agent that does not read', () => {
    const { ws, session } = open({ ratePerSec: 0, burst: 1, maxSendBufferBytes: 1000 });
    ws.frame(fixtures.hello());
    ws.bufferedAmount = 1000;
    session.send({ type: 'ack', seq: 1 });
    expect(ws.sent.at(-1)).toBe(JSON.stringify({ type: 'ack', seq: 1 }));
    ws.bufferedAmount = 1001;
    session.send({ type: 'ack', seq: 2 });
    expect(ws.sent.at(-1)).toBe(JSON.stringify({ type: 'ack', seq: 1 }));
    expect(ws.closedWith).toEqual({
      code: CloseCode.slowConsumer,
      reason: expect.stringContaining('not reading'),
    });
  });
});

describe('unauthenticated slot', () => {
  it('is given back at hello', () => {
    const { ws, slotReleased } = open({ ratePerSec: 0, burst: 1, maxSendBufferBytes: 0 });
    expect(slotReleased()).toBe(false);
    ws.frame(fixtures.hello());
    expect(slotReleased()).toBe(true);
  });

  it('is given back when the connection ends before hello', () => {
    const { ws, slotReleased } = open({ ratePerSec: 0, burst: 1, maxSendBufferBytes: 0 });
    ws.emit('close', 1006, Buffer.from(''));
    expect(slotReleased()).toBe(true);
  });
});
