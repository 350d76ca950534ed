import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPhysicalDisk, readDisks } from './disks.js';
import { isPlaceholder, readSystemInfo } from './dmi.js';

let sys: string;
beforeEach(async () => {
  sys = await mkdtemp(join(tmpdir(), 'labmgr-agent-sys-'));
});
afterEach(async () => {
  await rm(sys, { recursive: true, force: true });
});

async function put(path: string, content: string): Promise<void> {
  await mkdir(dirname(join(sys, path)), { recursive: true });
  await writeFile(join(sys, path), content);
}

describe('readDisks', () => {
  it('lists real block devices with model and size, skipping virtual and empty ones', async () => {
    await put('block/nvme0n1/size', '1000215216\n');
    await put('block/nvme0n1/device/model', 'Samsung SSD 980 PRO 500GB               \n');
    await put('block/sda/size', '3907029168\n');
    await put('block/mmcblk0/size', '62333952\n');
    await put('block/mmcblk0/device/name', 'SD64G\n');
    await put('block/sr0/size', '0\n');
    await put('block/loop0/size', '131072\n');
    await put('block/zram0/size', '8388608\n');
    await put('block/dm-0/size', '1000000\n');
    expect(readDisks(sys)).toEqual([
      { device: 'mmcblk0', model: 'SD64G', sizeBytes: 62333952 * 512 },
      { device: 'nvme0n1', model: 'Samsung SSD 980 PRO 500GB', sizeBytes: 1000215216 * 512 },
      { device: 'sda', model: null, sizeBytes: 3907029168 * 512 },
    ]);
  });

  it('returns an empty list without /sys/block', async () => {
    expect(readDisks(join(sys, 'missing'))).toEqual([]);
  });

  it('recognises virtual device names', () => {
    expect(['loop3', 'ram0', 'zram0', 'dm-1', 'nbd0'].some(isPhysicalDisk)).toBe(false);
    expect(['sda', 'nvme0n1', 'mmcblk0', 'vda', 'md0'].every(isPhysicalDisk)).toBe(true);
  });
});

describe('readSystemInfo', () => {
  it('reads DMI strings and leaves unreadable ones null', async () => {
    await put('class/dmi/id/sys_vendor', 'Dell Inc.\n');
    await put('class/dmi/id/product_name', 'OptiPlex 7080\n');
    await put('class/dmi/id/bios_version', '1.2.3\n');
    // product_serial is root-only on real systems: here it is simply absent.
    expect(readSystemInfo(sys)).toEqual({
      manufacturer: 'Dell Inc.',
      model: 'OptiPlex 7080',
      serial: null,
      biosVersion: '1.2.3',
    });
  });

  it('falls back to the baseboard where the system fields are firmware placeholders', async () => {
    await put('class/dmi/id/sys_vendor', 'System manufacturer\n');
    await put('class/dmi/id/product_name', 'System Product Name\n');
    await put('class/dmi/id/product_serial', 'System Serial Number\n');
    await put('class/dmi/id/board_vendor', 'ASUSTeK COMPUTER INC.\n');
    await put('class/dmi/id/board_name', 'PRIME B450M-A\n');
    await put('class/dmi/id/board_serial', '190436628101234\n');
    await put('class/dmi/id/bios_version', 'To Be Filled By O.E.M.\n');
    expect(readSystemInfo(sys)).toEqual({
      manufacturer: 'ASUSTeK COMPUTER INC.',
      model: 'PRIME B450M-A',
      serial: '190436628101234',
      biosVersion: null,
    });
    expect(['Default string', 'Not Specified', '0000000', 'OEM'].every(isPlaceholder)).toBe(true);
    expect(isPlaceholder('OptiPlex 7080')).toBe(false);
  });

  it('is all null without DMI (virtual machines, ARM boards)', async () => {
    expect(readSystemInfo(sys)).toEqual({
      manufacturer: null,
      model: null,
      serial: null,
      biosVersion: null,
    });
  });
});
