import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Batcher, type BatcherTuning, type BatchVerdict, type Delivered } from './batcher.js';

/** A send function whose calls the test answers one by one. */
function controlledSend() {
  const calls: Array<{ items: number[]; settle: (verdict: BatchVerdict) => void }> = [];
  const send = (items: readonly number[]) =>
    new Promise<BatchVerdict>((resolve) => calls.push({ items: [...items], settle: resolve }));
  return { calls, send };
}

function batcher(
  send: (items: readonly number[]) => Promise<BatchVerdict | Delivered>,
  tuning: Partial<BatcherTuning> = {},
) {
  // random() = 1 gives the full backoff delay, so the tests can step exactly to it.
  return new Batcher<number>({
    maxBatch: 3,
    maxDelayMs: 25,
    retryInitialMs: 100,
    random: () => 1,
    send,
    ...tuning,
  });
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Batcher', () => {
  it('sends once maxDelayMs has passed since the first queued item', async () => {
    const { calls, send } = controlledSend();
    const b = batcher(send);
    b.enqueue(1);
    await vi.advanceTimersByTimeAsync(10);
    b.enqueue(2);
    await vi.advanceTimersByTimeAsync(14);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.items)).toEqual([[1, 2]]);
  });

  it('sends at once when maxBatch items are queued', async () => {
    const { calls, send } = controlledSend();
    const b = batcher(send);
    for (const i of range(1, 3)) b.enqueue(i);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3]]);
  });

  it('keeps one batch in flight and sends the rest in order after it', async () => {
    const { calls, send } = controlledSend();
    const b = batcher(send);
    for (const i of range(1, 8)) b.enqueue(i);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toHaveLength(1);
    expect(b.size).toBe(8);
    calls[0]?.settle('sent');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    calls[1]?.settle('sent');
    await vi.advanceTimersByTimeAsync(0);
    calls[2]?.settle('sent');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8],
    ]);
    expect(b.size).toBe(0);
  });

  it('keeps a failed batch queued and retries it first, with growing backoff', async () => {
    const { calls, send } = controlledSend();
    const b = batcher(send);
    b.enqueue(1);
    b.enqueue(2);
    await vi.advanceTimersByTimeAsync(25);
    calls[0]?.settle('retry');
    await vi.advanceTimersByTimeAsync(0);
    expect(b.size).toBe(2);
    expect(b.failures).toBe(1);
    b.enqueue(3);
    b.enqueue(4); // a full batch, but a retry is pending: wait for it
    await vi.advanceTimersByTimeAsync(99);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls[1]?.items).toEqual([1, 2, 3]);
    calls[1]?.settle('retry');
    await vi.advanceTimersByTimeAsync(199);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls[2]?.items).toEqual([1, 2, 3]);
    calls[2]?.settle('sent');
    await vi.advanceTimersByTimeAsync(0);
    expect(b.failures).toBe(0);
    expect(calls[3]?.items).toEqual([4]);
  });

  it('caps the backoff at retryMaxMs', async () => {
    const { calls, send } = controlledSend();
    const b = batcher(send, { retryMaxMs: 300 });
    b.enqueue(1);
    await vi.advanceTimersByTimeAsync(25);
    for (let i = 0; i < 5; i++) {
      calls[i]?.settle('retry');
      await vi.advanceTimersByTimeAsync(300);
      expect(calls).toHaveLength(i + 2);
    }
  });

  it('treats a send that throws like a retryable failure', async () => {
    let attempts = 0;
    const b = batcher(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('boom');
      return 'sent';
    });
    b.enqueue(1);
    await vi.advanceTimersByTimeAsync(25);
    expect(b.size).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(attempts).toBe(2);
    expect(b.size).toBe(0);
  });

  it('drops a discarded batch and goes on with the next', async () => {
    const { calls, send } = controlledSend();
    const b = batcher(send);
    for (const i of range(1, 4)) b.enqueue(i);
    await vi.advanceTimersByTimeAsync(0);
    calls[0]?.settle('discard');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls[1]?.items).toEqual([4]);
    expect(b.failures).toBe(0);
  });

  it('refuses items beyond maxQueued, counting the batch in flight', async () => {
    const { send } = controlledSend();
    const b = batcher(send, { maxQueued: 4 });
    for (const i of range(1, 4)) expect(b.enqueue(i)).toBe(true);
    expect(b.enqueue(5)).toBe(false);
    expect(b.size).toBe(4);
  });

  it('drain sends without waiting for the batching delay and reports nothing left', async () => {
    const sent: number[][] = [];
    const b = batcher(async (items) => {
      sent.push([...items]);
      return 'sent';
    });
    for (const i of range(1, 5)) b.enqueue(i);
    const left = b.drain(1000);
    await vi.advanceTimersByTimeAsync(0);
    await expect(left).resolves.toBe(0);
    expect(sent).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('drain gives up at its deadline and reports what is left', async () => {
    const b = batcher(async () => 'retry');
    b.enqueue(1);
    b.enqueue(2);
    const left = b.drain(1000);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(left).resolves.toBe(2);
  });

  it('stop refuses new items and cancels pending sends', async () => {
    const send = vi.fn(async () => 'sent' as const);
    const b = batcher(send);
    b.enqueue(1);
    expect(b.stop()).toBe(1);
    expect(b.enqueue(2)).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).not.toHaveBeenCalled();
  });

  it('keeps each batch within maxBatchWeight, sending a heavier item alone', async () => {
    const sent: number[][] = [];
    const b = batcher(
      async (items) => {
        sent.push([...items]);
        return 'sent';
      },
      { maxBatch: 10, maxBatchWeight: 100 },
    );
    b.enqueue(1, 40);
    b.enqueue(2, 40);
    b.enqueue(3, 40); // 120 >= 100: send now, but only what fits
    b.enqueue(4, 500);
    b.enqueue(5, 10);
    await expect(b.drain(1000)).resolves.toBe(0);
    expect(sent).toEqual([[1, 2], [3], [4], [5]]);
  });

  describe('with two batches in flight', () => {
    /** Sends answered by the test; a delivered batch records its first item when committed. */
    function committingSend(committed: number[]) {
      const calls: Array<{ items: number[]; answer: (ok: boolean) => void }> = [];
      const send = (items: readonly number[]) =>
        new Promise<BatchVerdict | Delivered>((resolve) =>
          calls.push({
            items: [...items],
            answer: (ok) =>
              resolve(ok ? { verdict: 'sent', commit: () => committed.push(items[0] ?? -1) } : 'retry'),
          }),
        );
      return { calls, send };
    }

    it('sends a second full batch beside the first, and commits them in queue order', async () => {
      const committed: number[] = [];
      const { calls, send } = committingSend(committed);
      const b = batcher(send, { maxInFlight: 2 });
      for (const i of range(1, 7)) b.enqueue(i);
      await vi.advanceTimersByTimeAsync(0);
      expect(calls.map((c) => c.items)).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(b.inFlight).toBe(2);
      // The later batch is answered first: its commit waits for the earlier one.
      calls[1]?.answer(true);
      await vi.advanceTimersByTimeAsync(0);
      expect(committed).toEqual([]);
      calls[0]?.answer(true);
      await vi.advanceTimersByTimeAsync(0);
      expect(committed).toEqual([1, 4]);
      // What waited behind them goes now.
      expect(calls[2]?.items).toEqual([7]);
      calls[2]?.answer(true);
      await vi.advanceTimersByTimeAsync(0);
      expect(b.size).toBe(0);
      expect(committed).toEqual([1, 4, 7]);
    });

    it('keeps to one batch at a time while no full batch waits (light traffic)', async () => {
      const { calls, send } = committingSend([]);
      const b = batcher(send, { maxInFlight: 2 });
      b.enqueue(1);
      await vi.advanceTimersByTimeAsync(25);
      b.enqueue(2);
      b.enqueue(3);
      await vi.advanceTimersByTimeAsync(100);
      expect(calls.map((c) => c.items)).toEqual([[1]]);
    });

    it('when the first fails, ignores the second’s success and sends both again after the backoff', async () => {
      const committed: number[] = [];
      const { calls, send } = committingSend(committed);
      const b = batcher(send, { maxInFlight: 2 });
      for (const i of range(1, 6)) b.enqueue(i);
      await vi.advanceTimersByTimeAsync(0);
      calls[1]?.answer(true);
      calls[0]?.answer(false);
      await vi.advanceTimersByTimeAsync(0);
      expect(committed).toEqual([]);
      expect(b.failures).toBe(1);
      expect(b.size).toBe(6);
      await vi.advanceTimersByTimeAsync(100);
      expect(calls.slice(2).map((c) => c.items)).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      calls[2]?.answer(true);
      calls[3]?.answer(true);
      await vi.advanceTimersByTimeAsync(0);
      expect(committed).toEqual([1, 4]);
      expect(b.size).toBe(0);
      expect(b.failures).toBe(0);
    });

    it('when the second fails, commits the first and retries only the second', async () => {
      const committed: number[] = [];
      const { calls, send } = committingSend(committed);
      const b = batcher(send, { maxInFlight: 2 });
      for (const i of range(1, 6)) b.enqueue(i);
      await vi.advanceTimersByTimeAsync(0);
      calls[1]?.answer(false);
      calls[0]?.answer(true);
      await vi.advanceTimersByTimeAsync(0);
      expect(committed).toEqual([1]);
      expect(b.size).toBe(3);
      await vi.advanceTimersByTimeAsync(100);
      expect(calls[2]?.items).toEqual([4, 5, 6]);
    });
  });
});
