import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diskRates, parseDiskstats, WholeDisks } from './disk-io.js';

// A desktop: NVMe system disk with partitions, LVM on top, a loop device for a snap.
const T0 = `   7       0 loop0 60 0 2200 10 0 0 0 0 0 20 10 0 0 0 0 0 0
 259       0 nvme0n1 20000 500 1000000 9000 30000 9000 2000000 15000 0 40000 24000 0 0 0 0 500 100
 259       1 nvme0n1p1 200 0 8000 50 2 0 2 1 0 60 51 0 0 0 0 0 0
 259       2 nvme0n1p2 19800 500 992000 8950 29998 9000 1999998 14999 0 39900 23949 0 0 0 0 0 0
 253       0 dm-0 19700 0 990000 9000 38000 0 1999000 30000 0 40000 39000 0 0 0 0 0 0
`;

// Two seconds later, on a kernel before 4.18 (14 columns only): 100 reads of 400 KiB, 50 writes of 1 MiB.
const T1 = `   7       0 loop0 60 0 2200 10 0 0 0 0 0 20 10
 259       0 nvme0n1 20100 500 1000800 9100 30050 9000 2002048 15100 0 40100 24200
 259       1 nvme0n1p1 200 0 8000 50 2 0 2 1 0 60 51
 259       2 nvme0n1p2 19900 500 992800 9050 30048 9000 2002046 15099 0 40000 24149
 253       0 dm-0 19800 0 990800 9100 38050 0 2001048 30100 0 40100 39200
`;

describe('parseDiskstats', () => {
  it('reads completed I/Os and sectors for disks and partitions, any column count', () => {
    const stats = parseDiskstats(T1);
    expect([...stats.keys()]).toEqual(['loop0', 'nvme0n1', 'nvme0n1p1', 'nvme0n1p2', 'dm-0']);
    expect(stats.get('nvme0n1')).toEqual({
      readsCompleted: 20100,
      sectorsRead: 1000800,
      writesCompleted: 30050,
      sectorsWritten: 2002048,
    });
    expect(parseDiskstats('garbage\n\n').size).toBe(0);
  });
});

describe('diskRates', () => {
  it('reports whole disks only, sectors as 512-byte units, per second', () => {
    const whole = (n: string) => n === 'nvme0n1';
    expect(diskRates(parseDiskstats(T0), parseDiskstats(T1), 2000, whole)).toEqual([
      {
        device: 'nvme0n1',
        readBytesPerSec: 204_800,
        writeBytesPerSec: 524_288,
        readsPerSec: 50,
        writesPerSec: 25,
      },
    ]);
  });

  it('reads 0 for a new disk, a counter reset or no elapsed time', () => {
    const all = () => true;
    const cur = parseDiskstats(T1);
    expect(diskRates(new Map(), cur, 1000, all).every((d) => d.readBytesPerSec === 0)).toBe(true);
    expect(diskRates(cur, parseDiskstats(T0), 1000, all).every((d) => d.writesPerSec === 0)).toBe(true);
    expect(diskRates(parseDiskstats(T0), cur, 0, all).every((d) => d.readsPerSec === 0)).toBe(true);
  });
});

describe('WholeDisks', () => {
  let sys: string;
  beforeEach(async () => {
    sys = await mkdtemp(join(tmpdir(), 'labmgr-agent-block-'));
  });
  afterEach(async () => {
    await rm(sys, { recursive: true, force: true });
  });

  it('keeps /sys/block entries that are hardware, and re-lists when a new name appears', async () => {
    for (const d of ['loop0', 'nvme0n1', 'dm-0', 'zram0'])
      await mkdir(join(sys, 'block', d), { recursive: true });
    const disks = new WholeDisks(sys);
    const isDisk = disks.refresh(parseDiskstats(T0).keys());
    expect(['loop0', 'nvme0n1', 'nvme0n1p1', 'dm-0'].filter(isDisk)).toEqual(['nvme0n1']);

    await mkdir(join(sys, 'block', 'sda'));
    // Same names as before: no re-listing, so the new directory is not seen yet.
    expect(disks.refresh(parseDiskstats(T0).keys())('sda')).toBe(false);
    // A USB disk shows up in diskstats: /sys/block is listed again.
    expect(disks.refresh([...parseDiskstats(T0).keys(), 'sda', 'sda1'])('sda')).toBe(true);
  });
});
