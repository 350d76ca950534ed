import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AckCoalescer } from './ack-coalescer.js';

const A = 'a';
const B = 'b';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function coalescer(intervalMs: number) {
  const sent: Array<[string, number]> = [];
  const errors: string[] = [];
  const acks = new AckCoalescer(
    intervalMs,
    (computerId, seq) => {
      if (computerId === 'broken') throw new Error('boom');
      sent.push([computerId, seq]);
    },
    (_err, computerId) => errors.push(computerId),
  );
  return { acks, sent, errors };
}

describe('AckCoalescer', () => {
  it('sends at most one ack per agent per interval, with the highest seq', async () => {
    const { acks, sent } = coalescer(1000);
    acks.add(A, 1);
    acks.add(B, 7);
    acks.add(A, 3);
    acks.add(A, 2); // an older batch's ack never lowers it
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([
      [A, 3],
      [B, 7],
    ]);
    acks.add(A, 4);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent.at(-1)).toEqual([A, 4]);
    expect(sent).toHaveLength(3);
  });

  it('sends each ack at once with an interval of 0', () => {
    const { acks, sent } = coalescer(0);
    acks.add(A, 1);
    acks.add(A, 2);
    expect(sent).toEqual([
      [A, 1],
      [A, 2],
    ]);
  });

  it('flushes pending acks on demand and drops them on stop', async () => {
    const { acks, sent } = coalescer(1000);
    acks.add(A, 1);
    acks.flush();
    expect(sent).toEqual([[A, 1]]);
    acks.add(B, 2);
    expect(acks.pending).toBe(1);
    acks.stop();
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent).toEqual([[A, 1]]);
  });

  it('reports an ack that cannot be delivered and still sends the others', async () => {
    const { acks, sent, errors } = coalescer(10);
    acks.add('broken', 1);
    acks.add(A, 1);
    await vi.advanceTimersByTimeAsync(10);
    expect(errors).toEqual(['broken']);
    expect(sent).toEqual([[A, 1]]);
  });
});
