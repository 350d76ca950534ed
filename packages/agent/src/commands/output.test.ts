import type { CommandOutputFrame } from '@labmgr/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FLUSH_BYTES, FLUSH_MS, OutputCollector } from './output.js';

const commandId = '6f1c2b9e-8a4d-4c3e-9f7a-2b1d0e9c8a7f';

function collector(capBytes?: number) {
  const frames: CommandOutputFrame[] = [];
  const output = new OutputCollector({ commandId, send: (frame) => frames.push(frame), capBytes });
  const text = (stream: 'stdout' | 'stderr' = 'stdout') =>
    frames
      .filter((f) => f.stream === stream)
      .map((f) => f.data)
      .join('');
  return { frames, output, text };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('OutputCollector', () => {
  it('coalesces small writes into one frame after the flush delay', () => {
    vi.useFakeTimers();
    const { frames, output } = collector();
    for (let i = 0; i < 50; i++) output.push('stdout', Buffer.from(`line ${i}\n`));
    expect(frames).toHaveLength(0);
    vi.advanceTimersByTime(FLUSH_MS);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.data.split('\n')).toHaveLength(51);
  });

  it('flushes at once when a stream has 16 KiB waiting', () => {
    const { frames, output } = collector();
    output.push('stdout', Buffer.alloc(FLUSH_BYTES - 1, 'a'));
    expect(frames).toHaveLength(0);
    output.push('stdout', Buffer.from('b'));
    expect(frames).toHaveLength(1);
    output.finish();
  });

  it('never splits a character, whatever the byte boundaries', () => {
    const { output, text, frames } = collector();
    const expected = 'é€😀x'.repeat(5000);
    const bytes = Buffer.from(expected);
    // Odd-sized pieces land mid-character over and over; each flush may end mid-character too.
    for (let offset = 0; offset < bytes.length; offset += 7) {
      output.push('stdout', bytes.subarray(offset, offset + 7));
      if (offset % 7000 === 0) output.push('stderr', Buffer.from('-'));
    }
    output.finish();
    expect(text()).toBe(expected);
    expect(frames.every((f) => !f.data.includes('\uFFFD'))).toBe(true);
  });

  it('cuts frames to the frame limit and numbers them across both streams', () => {
    const { frames, output, text } = collector();
    output.push('stderr', Buffer.from('err'));
    output.push('stdout', Buffer.alloc(200_000, 'a'));
    output.finish();
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
    expect(frames.every((f) => f.data.length <= 65_536)).toBe(true);
    expect(text()).toHaveLength(200_000);
    expect(text('stderr')).toBe('err');
  });

  it('stops at the cap (both streams together), flags truncated and drops a cut character', () => {
    const { output, text } = collector(10);
    output.push('stderr', Buffer.from('12345'));
    output.push('stdout', Buffer.from('abcd€'));
    output.push('stdout', Buffer.from('more'));
    output.finish();
    expect(output.truncated).toBe(true);
    expect(text('stderr')).toBe('12345');
    expect(text('stdout')).toBe('abcd');
  });

  it('is not truncated when output fits exactly', () => {
    const { output, text } = collector(4);
    output.push('stdout', Buffer.from('abcd'));
    output.finish();
    expect(output.truncated).toBe(false);
    expect(text()).toBe('abcd');
  });
});
