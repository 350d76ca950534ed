import { fixtures } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { LiveBuffer, toLivePoint } from './live-buffer.js';

const at = (sec: number) => 1_700_000_000_000 + sec * 1000;

describe('toLivePoint', () => {
  it('sums disks and interfaces and counts buffers as cache', () => {
    const sample = fixtures.sample(at(0), 40);
    const [nic] = sample.network;
    if (!nic) throw new Error('the fixture has an interface');
    sample.network = [
      { ...nic, iface: 'eth0', rxBytesPerSec: 100, txBytesPerSec: 10 },
      { ...nic, iface: 'wlan0', rxBytesPerSec: 50, txBytesPerSec: 5 },
    ];
    const p = toLivePoint(sample);
    expect(p.t).toBe(at(0) / 1000);
    expect(p.cpu).toBe(40);
    expect(p.netRx).toBe(150);
    expect(p.netTx).toBe(15);
    expect(p.diskWrite).toBe(sample.disks.reduce((s, d) => s + d.writeBytesPerSec, 0));
    expect(p.memCached).toBe(sample.memory.cachedBytes + sample.memory.buffersBytes);
  });
});

describe('LiveBuffer', () => {
  it('keeps samples in order and drops repeats and late ones', () => {
    const buffer = new LiveBuffer(60);
    expect(buffer.push(fixtures.sample(at(1)))).toBe(true);
    expect(buffer.push(fixtures.sample(at(2)))).toBe(true);
    expect(buffer.push(fixtures.sample(at(2)))).toBe(false);
    expect(buffer.push(fixtures.sample(at(1)))).toBe(false);
    expect(buffer.size).toBe(2);
    expect(buffer.latest?.t).toBe(at(2) / 1000);
  });

  it('forgets points older than its window', () => {
    const buffer = new LiveBuffer(10);
    for (let s = 0; s <= 30; s++) buffer.push(fixtures.sample(at(s)));
    const [times] = buffer.columns();
    expect(times[0]).toBe(at(20) / 1000);
    expect(times.at(-1)).toBe(at(30) / 1000);
    expect(buffer.size).toBe(11);
  });

  it('gives columns of the picked figures', () => {
    const buffer = new LiveBuffer();
    buffer.push(fixtures.sample(at(0), 10));
    buffer.push(fixtures.sample(at(1), 30));
    expect(buffer.columns((p) => p.cpu)).toEqual([
      [at(0) / 1000, at(1) / 1000],
      [10, 30],
    ]);
  });

  it('gives each core its own row, null where a sample lacked it', () => {
    const buffer = new LiveBuffer();
    const a = fixtures.sample(at(0));
    a.cpu.perCore = [5];
    const b = fixtures.sample(at(1));
    b.cpu.perCore = [7, 9];
    buffer.push(a);
    buffer.push(b);
    expect(buffer.perCore().cores).toEqual([
      [5, 7],
      [null, 9],
    ]);
  });
});
