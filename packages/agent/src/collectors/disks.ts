import { join } from 'node:path';
import type { Inventory } from '@labmgr/protocol';
import { clip, clipOrNull } from './limits.js';
import { listDir, readValue, toInt } from './read.js';

type DiskInfo = Inventory['disks'][number];

/** Block devices that are not hardware: loop files, RAM disks, compressed swap, device-mapper views. */
export function isPhysicalDisk(name: string): boolean {
  return !/^(loop|ram|zram|dm-|nbd)/.test(name);
}

/**
 * Disks from /sys/block: name, model and size. `size` is always counted in
 * 512-byte sectors, whatever the device's real sector size. Empty drives
 * (card readers, optical drives without media) have size 0 and are skipped.
 */
export function readDisks(sysRoot = '/sys'): DiskInfo[] {
  const disks: DiskInfo[] = [];
  for (const name of listDir(join(sysRoot, 'block')).filter(isPhysicalDisk).sort()) {
    const dir = join(sysRoot, 'block', name);
    const sectors = toInt(readValue(join(dir, 'size')));
    if (sectors === null || sectors <= 0) continue;
    // SATA/SCSI/NVMe name the model; SD and eMMC cards call it `name`; virtio disks have neither.
    const model = readValue(join(dir, 'device', 'model')) ?? readValue(join(dir, 'device', 'name'));
    disks.push({ device: clip(name, 200), model: clipOrNull(model, 200), sizeBytes: sectors * 512 });
  }
  return disks;
}
