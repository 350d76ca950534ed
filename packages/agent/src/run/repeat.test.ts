import { describe, expect, it, vi } from 'vitest';
import { repeat } from './repeat.js';

describe('repeat', () => {
  it('never overlaps runs, keeps going after an error, and stop() waits for the run in progress', async () => {
    vi.useFakeTimers();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release: () => void = () => undefined;
    const errors: unknown[] = [];
    const repeater = repeat(
      10,
      async () => {
        runs += 1;
        active += 1;
        maxActive = Math.max(maxActive, active);
        if (runs === 1) throw new Error('first run fails');
        if (runs === 3) await new Promise<void>((resolve) => (release = resolve));
        active -= 1;
      },
      (err) => errors.push(err),
    );
    await vi.advanceTimersByTimeAsync(10); // run 1 fails
    active = 0;
    await vi.advanceTimersByTimeAsync(10); // run 2
    await vi.advanceTimersByTimeAsync(10); // run 3 hangs
    await vi.advanceTimersByTimeAsync(100); // nothing new starts meanwhile
    expect(runs).toBe(3);
    expect(maxActive).toBe(1);
    expect(errors).toHaveLength(1);

    let stopped = false;
    const stopping = repeater.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(3);
    vi.useRealTimers();
  });

  it('reads a changing interval before each wait, and reschedule() applies a shorter one at once', async () => {
    vi.useFakeTimers();
    let interval = 1000;
    let runs = 0;
    const repeater = repeat(
      () => interval,
      async () => {
        runs += 1;
      },
      () => undefined,
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(1);
    interval = 10;
    repeater.reschedule();
    await vi.advanceTimersByTimeAsync(25);
    expect(runs).toBe(3);
    await repeater.stop();
    vi.useRealTimers();
  });
});
