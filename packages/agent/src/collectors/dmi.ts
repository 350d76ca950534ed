import { join } from 'node:path';
import type { Inventory } from '@labmgr/protocol';
import { clipOrNull } from './limits.js';
import { readValue } from './read.js';

/**
 * What firmware writes when the vendor left a field empty. Self-built PCs (a
 * common sight in labs) carry these in the system fields while the board
 * fields hold the real maker and model.
 */
const PLACEHOLDER =
  /^(to be filled by o\.?e\.?m\.?|default string|system (manufacturer|product name|serial number|version)|not specified|not applicable|none|n\/a|o\.?e\.?m\.?|0+|x+|123456789|chassis serial number)$/i;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value.trim());
}

/**
 * Manufacturer, model, serial and BIOS version from /sys/class/dmi/id, each
 * falling back to the baseboard's field when the system's is missing or a
 * placeholder. Serials are readable by root only (the agent runs as a system
 * service); virtual machines and ARM boards often have no DMI at all.
 * Anything unreadable is null.
 */
export function readSystemInfo(sysRoot = '/sys'): Inventory['system'] {
  const field = (...names: string[]) => {
    for (const name of names) {
      const value = readValue(join(sysRoot, 'class', 'dmi', 'id', name));
      if (value && !isPlaceholder(value)) return clipOrNull(value, 200);
    }
    return null;
  };
  return {
    manufacturer: field('sys_vendor', 'board_vendor'),
    model: field('product_name', 'board_name'),
    serial: field('product_serial', 'board_serial'),
    biosVersion: field('bios_version'),
  };
}
