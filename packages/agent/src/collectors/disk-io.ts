import { join } from 'node:path';
import type { DiskIoMetrics } from '@labmgr/protocol';
import { isPhysicalDisk } from './disks.js';
import { clip } from './limits.js';
import { increase, rate } from './network.js';
import { listDir } from './read.js';

/** Cumulative counters of one block device. */
export interface DiskCounters {
  readonly readsCompleted: number;
  readonly sectorsRead: number;
  readonly writesCompleted: number;
  readonly sectorsWritten: number;
}

/** The kernel counts diskstats sectors in 512-byte units whatever the device's own sector size. */
export const DISKSTATS_SECTOR_BYTES = 512;

/** One /proc/diskstats line: major, minor, name, then reads, (merged), sectors read, (ms), writes, (merged), sectors written. */
const DISKSTATS_LINE = /^ *\d+ +\d+ +(\S+) +(\d+) +\d+ +(\d+) +\d+ +(\d+) +\d+ +(\d+)/gm;

/**
 * Parses /proc/diskstats: `major minor name reads merged sectors ms writes
 * merged sectors ms …` (kernels since 4.18 and 5.5 append discard and flush
 * columns, which are ignored). Lists disks and partitions alike.
 */
export function parseDiskstats(text: string): Map<string, DiskCounters> {
  const out = new Map<string, DiskCounters>();
  for (const m of text.matchAll(DISKSTATS_LINE)) {
    out.set(m[1] ?? '', {
      readsCompleted: Number(m[2]),
      sectorsRead: Number(m[3]),
      writesCompleted: Number(m[4]),
      sectorsWritten: Number(m[5]),
    });
  }
  return out;
}

/**
 * Throughput per whole disk between two readings. Devices are reported in the
 * kernel's order; a newcomer or a counter that went down (32-bit wrap on old
 * kernels) reads as 0 for one sample.
 */
export function diskRates(
  prev: ReadonlyMap<string, DiskCounters>,
  cur: ReadonlyMap<string, DiskCounters>,
  elapsedMs: number,
  isWholeDisk: (name: string) => boolean,
): DiskIoMetrics[] {
  const seconds = elapsedMs / 1000;
  const out: DiskIoMetrics[] = [];
  for (const [device, now] of cur) {
    if (!isWholeDisk(device)) continue;
    const before = prev.get(device);
    const bytes = (key: 'sectorsRead' | 'sectorsWritten') =>
      seconds > 0 ? Math.round((increase(before?.[key], now[key]) * DISKSTATS_SECTOR_BYTES) / seconds) : 0;
    out.push({
      device: clip(device, 200),
      readBytesPerSec: bytes('sectorsRead'),
      writeBytesPerSec: bytes('sectorsWritten'),
      readsPerSec: rate(before?.readsCompleted, now.readsCompleted, seconds),
      writesPerSec: rate(before?.writesCompleted, now.writesCompleted, seconds),
    });
  }
  return out;
}

/**
 * Which diskstats names are whole disks worth reporting: those listed in
 * /sys/block (partitions are not) that `isPhysicalDisk` keeps, i.e. the same
 * devices the inventory lists (SATA/SCSI, NVMe, virtio, MMC, and md RAID
 * arrays, whose I/O also shows on their member disks). loop, ram, zram, nbd
 * and device-mapper volumes are left out: the first four are not storage
 * hardware, and a dm volume (LVM, LUKS) sits on one disk whose I/O it would
 * repeat; on a lab PC the disk is what an admin looks at.
 *
 * /sys/block is listed again only when diskstats shows a name not seen
 * before (a disk was plugged in), not on every sample.
 */
export class WholeDisks {
  private disks = new Set<string>();
  private known = new Set<string>();

  constructor(private readonly sysRoot: string) {}

  /** Updates the classification for the names in this reading; returns the predicate. */
  refresh(names: Iterable<string>): (name: string) => boolean {
    const all = [...names];
    if (all.some((n) => !this.known.has(n))) {
      this.disks = new Set(listDir(join(this.sysRoot, 'block')).filter(isPhysicalDisk));
      this.known = new Set(all);
    }
    return (name) => this.disks.has(name);
  }
}
