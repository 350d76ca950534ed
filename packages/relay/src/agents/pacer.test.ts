import { afterEach, describe, expect, it, vi } from 'vitest';
import { IngestPacer, type QueueLevel } from './pacer.js';

afterEach(() => {
  vi.useRealTimers();
});

function sessions(n: number) {
  const resumed: number[] = [];
  const list = Array.from({ length: n }, (_, i) => ({ resumeForQueue: () => resumed.push(i) }));
  return { list, resumed };
}

describe('IngestPacer', () => {
  it('resumes held agents oldest first, a room’s worth at a time, the rest within moments', async () => {
    vi.useFakeTimers();
    const level: QueueLevel = { congested: false, hasRoom: true, room: 8 };
    const pacer = new IngestPacer(level);
    const { list, resumed } = sessions(10);
    for (const s of list) pacer.hold(s as never);
    expect(pacer.held).toBe(10);
    expect(pacer.pauses).toBe(10);
    // Room for 8 frames: 2 agents (each expected to bring a few frames).
    pacer.maybeResume();
    expect(resumed).toEqual([0, 1]);
    // No batch settles (the resumed agents sent nothing): the pacer looks again by itself.
    await vi.advanceTimersByTimeAsync(100);
    expect(resumed).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(pacer.held).toBe(0);
    pacer.stop();
  });

  it('resumes nobody while the queue is above its low-water mark, and forgets an agent that left', async () => {
    vi.useFakeTimers();
    const level = { congested: true, hasRoom: false, room: 0 };
    const pacer = new IngestPacer(level);
    const { list, resumed } = sessions(3);
    for (const s of list) pacer.hold(s as never);
    pacer.release(list[1] as never);
    pacer.maybeResume();
    await vi.advanceTimersByTimeAsync(100);
    expect(resumed).toEqual([]);
    Object.assign(level, { congested: false, hasRoom: true, room: 100 });
    await vi.advanceTimersByTimeAsync(100);
    expect(resumed).toEqual([0, 2]);
    pacer.stop();
  });
});
