import { fixtures, MetricsFrame, parseFrame } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { type BufferedSample, MemorySampleBuffer } from './sample-buffer.js';

function decode(entry: BufferedSample | undefined) {
  if (!entry) throw new Error('no entry');
  const parsed = parseFrame(MetricsFrame, entry.text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

function drain(buffer: MemorySampleBuffer): number[] {
  const seqs: number[] = [];
  for (let e = buffer.firstAfter(0); e; e = buffer.firstAfter(e.seq)) seqs.push(e.seq);
  return seqs;
}

function filled(capacity: number, seqs: number[]): MemorySampleBuffer {
  const buffer = new MemorySampleBuffer(capacity);
  for (const seq of seqs) buffer.push(seq, fixtures.sample(seq));
  return buffer;
}

describe('MemorySampleBuffer', () => {
  it('stores valid metrics frames in seq order', () => {
    const buffer = filled(10, [1, 2, 5]);
    expect(drain(buffer)).toEqual([1, 2, 5]);
    const frame = decode(buffer.firstAfter(1));
    expect(frame).toMatchObject({ type: 'metrics', seq: 2, dropped: 0 });
    expect(frame.sample).toEqual(fixtures.sample(2));
  });

  it('finds the send cursor between and beyond entries', () => {
    const buffer = filled(10, [3, 6, 9]);
    expect(buffer.firstAfter(0)?.seq).toBe(3);
    expect(buffer.firstAfter(4)?.seq).toBe(6);
    expect(buffer.firstAfter(9)).toBeUndefined();
  });

  it('rejects a seq that does not grow', () => {
    const buffer = filled(10, [5]);
    expect(() => buffer.push(5, fixtures.sample())).toThrow(RangeError);
    expect(() => buffer.push(4, fixtures.sample())).toThrow(RangeError);
  });

  it('ack is cumulative and ignores stale or unknown numbers', () => {
    const buffer = filled(10, [1, 2, 3, 4, 5]);
    expect(buffer.ack(3)).toBe(3);
    expect(drain(buffer)).toEqual([4, 5]);
    expect(buffer.ack(2)).toBe(0);
    expect(buffer.ack(100)).toBe(2);
    expect(buffer.size).toBe(0);
    buffer.push(6, fixtures.sample());
    expect(drain(buffer)).toEqual([6]);
  });

  it('drops the oldest when full and reports the count on the next frame', () => {
    const buffer = filled(3, [1, 2, 3, 4, 5]);
    expect(drain(buffer)).toEqual([3, 4, 5]);
    expect(buffer.droppedTotal).toBe(2);
    // Sample 4 reports the loss of 1; sample 5 reports the loss of 2.
    expect(decode(buffer.firstAfter(3)).dropped).toBe(1);
    expect(decode(buffer.firstAfter(4)).dropped).toBe(1);
    expect(decode(buffer.firstAfter(0)).dropped).toBe(0);
  });

  it('carries the count of a dropped reporter on to the next frame, so none is lost', () => {
    // Capacity 1: every push evicts the previous sample, and with it its report.
    const buffer = filled(1, [1, 2, 3, 4]);
    expect(buffer.droppedTotal).toBe(3);
    expect(decode(buffer.firstAfter(0))).toMatchObject({ seq: 4, dropped: 3 });
  });

  it('wraps around the ring many times without losing order', () => {
    const buffer = new MemorySampleBuffer(4);
    for (let seq = 1; seq <= 50; seq++) {
      buffer.push(seq, fixtures.sample());
      if (seq % 3 === 0) buffer.ack(seq - 1);
    }
    // The last ack (at 48) confirmed everything up to 47.
    expect(drain(buffer)).toEqual([48, 49, 50]);
  });
});
