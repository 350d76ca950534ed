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

function coalescer(intervalMs: number, sliceSize?: number) {
  const sent: Array<[string, number]> = [];
  const errors: string[] = [];
  const acks = new AckCoalescer(
    intervalMs,
    (computerId, seq) => {
      if (computerId === 'broken') throw new Error('boom');
      sent.push([computerId, seq]);
    },
    (_err, computerId) => errors.push(computerId),
    sliceSize,
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

  it('sends a large flush in slices, one per event-loop turn, so other work runs in between', () => {
    const { acks, sent } = coalescer(100, 2);
    for (const id of ['a', 'b', 'c', 'd', 'e']) acks.add(id, 1);
    vi.advanceTimersToNextTimer(); // the interval
    expect(sent.map(([id]) => id)).toEqual(['a', 'b']);
    vi.advanceTimersToNextTimer(); // the next turn
    expect(sent.map(([id]) => id)).toEqual(['a', 'b', 'c', 'd']);
    vi.advanceTimersToNextTimer();
    expect(sent.map(([id]) => id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(acks.pending).toBe(0);
  });

  it('lets an ack added during a sliced flush join it, with its highest seq', () => {
    const { acks, sent } = coalescer(100, 1);
    acks.add('a', 1);
    acks.add('b', 1);
    vi.advanceTimersToNextTimer();
    expect(sent).toEqual([['a', 1]]);
    acks.add('b', 5);
    acks.add('c', 2);
    vi.advanceTimersToNextTimer();
    vi.advanceTimersToNextTimer();
    expect(sent).toEqual([
      ['a', 1],
      ['b', 5],
      ['c', 2],
    ]);
    // Done: the next ack waits a whole interval again.
    acks.add('a', 9);
    vi.advanceTimersByTime(99);
    expect(sent).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(sent.at(-1)).toEqual(['a', 9]);
  });

  it('stop cancels a sliced flush under way', () => {
    const { acks, sent } = coalescer(10, 1);
    acks.add('a', 1);
    acks.add('b', 1);
    vi.advanceTimersToNextTimer();
    expect(sent).toHaveLength(1);
    acks.stop();
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(1);
    expect(acks.pending).toBe(0);
  });
});
