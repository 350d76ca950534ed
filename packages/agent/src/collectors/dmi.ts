import { join } from 'node:path';
import type { Inventory } from '@labmgr/protocol';
import { clipOrNull } from './limits.js';
import { readValue } from './read.js';

/**
 * Manufacturer, model, serial and BIOS version from /sys/class/dmi/id. The
 * serial is readable by root only; virtual machines and ARM boards often have
 * no DMI at all. Anything unreadable is null.
 */
export function readSystemInfo(sysRoot = '/sys'): Inventory['system'] {
  const field = (name: string) => clipOrNull(readValue(join(sysRoot, 'class', 'dmi', 'id', name)), 200);
  return {
    manufacturer: field('sys_vendor'),
    model: field('product_name'),
    serial: field('product_serial'),
    biosVersion: field('bios_version'),
  };
}
