import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from './heartbeat.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup() {
  const hooks = { sendPing: vi.fn(), onSilence: vi.fn() };
  const heartbeat = new Heartbeat({ intervalMs: 15_000, timeoutMs: 45_000 }, hooks);
  return { hooks, heartbeat };
}

describe('Heartbeat', () => {
  it('pings on every interval of silence', () => {
    const { hooks, heartbeat } = setup();
    heartbeat.start();
    vi.advanceTimersByTime(30_000);
    expect(hooks.sendPing).toHaveBeenCalledTimes(2);
    heartbeat.stop();
  });

  it('does not ping a relay it keeps hearing from', () => {
    const { hooks, heartbeat } = setup();
    heartbeat.start();
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(5_000);
      heartbeat.touch();
    }
    expect(hooks.sendPing).not.toHaveBeenCalled();
    // Once it falls silent, the ping comes one interval after the last frame.
    vi.advanceTimersByTime(14_999);
    expect(hooks.sendPing).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(hooks.sendPing).toHaveBeenCalledTimes(1);
    heartbeat.stop();
  });

  it('reports silence once nothing has been received for the timeout', () => {
    const { hooks, heartbeat } = setup();
    heartbeat.start();
    vi.advanceTimersByTime(44_999);
    expect(hooks.onSilence).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(hooks.onSilence).toHaveBeenCalledTimes(1);
    // After expiry it is stopped: no more pings, no second report.
    const pings = hooks.sendPing.mock.calls.length;
    vi.advanceTimersByTime(100_000);
    expect(hooks.sendPing).toHaveBeenCalledTimes(pings);
    expect(hooks.onSilence).toHaveBeenCalledTimes(1);
  });

  it('touch() pushes the deadline back', () => {
    const { hooks, heartbeat } = setup();
    heartbeat.start();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(30_000);
      heartbeat.touch();
    }
    expect(hooks.onSilence).not.toHaveBeenCalled();
    heartbeat.stop();
    vi.advanceTimersByTime(100_000);
    expect(hooks.onSilence).not.toHaveBeenCalled();
  });
});
