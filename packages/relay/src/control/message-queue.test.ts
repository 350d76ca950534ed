import type { ControlFrame } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { MessageQueue } from './message-queue.js';

const A = '6c3f2a1e-1b2c-4d5e-8f90-1234567890ab';
const B = '7d4a3b2f-2c3d-4e6f-9a01-234567890abc';
const live = (intervalMs: number): ControlFrame => ({ type: 'live-mode', intervalMs, ttlSec: 60 });
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('MessageQueue', () => {
  it('knows an agent only for a while after it left, or while messages wait for it', () => {
    const c = clock();
    const q = new MessageQueue({ now: c.now, rememberMs: 10_000 });
    expect(q.isKnown(A)).toBe(false);
    q.markDisconnected(A);
    expect(q.isKnown(A)).toBe(true);
    c.t += 9_999;
    expect(q.isKnown(A)).toBe(true);
    c.t += 1;
    expect(q.isKnown(A)).toBe(false);
    // Explicitly queued: known while the message waits.
    expect(q.enqueue(B, id(1), live(1000), 60_000)).toBe('queued');
    expect(q.isKnown(B)).toBe(true);
    q.markConnected(A);
    expect(q.isKnown(A)).toBe(false);
  });

  it('hands messages back in the order they were queued, once', () => {
    const c = clock();
    const q = new MessageQueue({ now: c.now });
    q.enqueue(A, id(1), live(1000), 5000);
    q.enqueue(B, id(9), live(9000), 5000);
    q.enqueue(A, id(2), live(2000), 5000);
    q.enqueue(A, id(3), live(3000), 5000);
    q.enqueue(A, id(2), live(2000), 5000); // a retried call: kept once
    expect(q.size).toBe(4);
    const { deliver, expired } = q.take(A);
    expect(deliver.map((m) => m.messageId)).toEqual([id(1), id(2), id(3)]);
    expect(expired).toEqual([]);
    expect(q.take(A).deliver).toEqual([]);
    expect(q.size).toBe(1);
    expect(q.sizeOf(B)).toBe(1);
  });

  it('expires each message at its own deadline and reports it once', () => {
    const c = clock();
    const q = new MessageQueue({ now: c.now });
    q.enqueue(A, id(1), live(1000), 1000);
    q.enqueue(A, id(2), live(1000), 3000);
    q.enqueue(B, id(3), live(1000), 2000);
    c.t += 999;
    expect(q.sweep()).toEqual([]);
    c.t += 1;
    expect(q.sweep().map((m) => m.messageId)).toEqual([id(1)]);
    c.t += 1000;
    expect(q.sweep().map((m) => m.messageId)).toEqual([id(3)]);
    expect(q.sweep()).toEqual([]);
    expect(q.size).toBe(1);
    c.t += 1000;
    // Taken after its deadline but before a sweep: handed back as expired, not for delivery.
    expect(q.take(A)).toMatchObject({ deliver: [], expired: [{ messageId: id(2) }] });
    expect(q.size).toBe(0);
  });

  it('bounds the queue per agent and in total', () => {
    const q = new MessageQueue({ maxPerAgent: 2, maxTotal: 3 });
    expect(q.enqueue(A, id(1), live(1000), 5000)).toBe('queued');
    expect(q.enqueue(A, id(2), live(1000), 5000)).toBe('queued');
    expect(q.enqueue(A, id(3), live(1000), 5000)).toBe('queue-full');
    expect(q.enqueue(B, id(4), live(1000), 5000)).toBe('queued');
    expect(q.enqueue(B, id(5), live(1000), 5000)).toBe('queue-full');
    expect(q.size).toBe(3);
    expect(q.cancel(A, id(1))).toBe(true);
    expect(q.cancel(A, id(1))).toBe(false);
    expect(q.enqueue(B, id(5), live(1000), 5000)).toBe('queued');
  });

  it('forgets agents that left longest ago first, within its bound', () => {
    const c = clock();
    const q = new MessageQueue({ now: c.now, maxRemembered: 1 });
    q.markDisconnected(A);
    q.markDisconnected(B);
    expect(q.isKnown(A)).toBe(false);
    expect(q.isKnown(B)).toBe(true);
  });

  it('forget drops the messages and the memory of the agent', () => {
    const q = new MessageQueue();
    q.markDisconnected(A);
    q.enqueue(A, id(1), live(1000), 5000);
    expect(q.forget(A).map((m) => m.messageId)).toEqual([id(1)]);
    expect(q.isKnown(A)).toBe(false);
    expect(q.size).toBe(0);
  });
});
