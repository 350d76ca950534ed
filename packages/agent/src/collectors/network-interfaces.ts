import { networkInterfaces, type NetworkInterfaceInfo as OsInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import type { NetworkInterfaceInfo } from '@labmgr/protocol';
import { capList, clip } from './limits.js';
import { listDir, readValue, toInt } from './read.js';

/** What /sys/class/net/<if> says about one interface. */
export interface SysNetAttributes {
  readonly operstate: string | null;
  readonly speed: string | null;
  readonly address: string | null;
}

const ZERO_MAC = '00:00:00:00:00:00';

/**
 * Combines the kernel's view (every interface, up or down, with link state
 * and speed) and Node's (addresses). Loopback is left out. `operstate`
 * "unknown" is common for virtual links (tun, wireguard) that work fine, so
 * such an interface counts as up when it has an address.
 */
export function mergeInterfaces(
  sys: ReadonlyMap<string, SysNetAttributes>,
  os: Readonly<Record<string, OsInterfaceInfo[] | undefined>>,
): NetworkInterfaceInfo[] {
  const names = [...new Set([...sys.keys(), ...Object.keys(os)])].filter((n) => n !== 'lo').sort();
  return names.map((name) => {
    const attrs = sys.get(name);
    const addrs = os[name] ?? [];
    const mac = attrs?.address ?? addrs.find((a) => a.mac !== ZERO_MAC)?.mac ?? null;
    const speed = toInt(attrs?.speed);
    const state = attrs?.operstate ?? null;
    return {
      name: clip(name, 64),
      mac: mac && mac !== ZERO_MAC ? clip(mac, 64) : null,
      ...addressLists(addrs),
      up: state === 'up' || ((state === 'unknown' || state === null) && addrs.length > 0),
      // The kernel reports -1 (or an error) when the speed is unknown or the link is down.
      speedMbps: speed !== null && speed > 0 ? speed : null,
    };
  });
}

/** An interface's addresses as Node reports them, in the inventory's lists (each clipped and capped). */
export function addressLists(
  addrs: readonly OsInterfaceInfo[],
): Pick<NetworkInterfaceInfo, 'ipv4' | 'ipv4Cidr' | 'ipv6'> {
  const v4 = addrs.filter((a) => a.family === 'IPv4');
  return {
    ipv4: capList(
      v4.map((a) => clip(a.address, 64)),
      64,
    ),
    ipv4Cidr: capList(
      v4.flatMap((a) => (a.cidr ? [clip(a.cidr, 64)] : [])),
      64,
    ),
    ipv6: capList(
      addrs.filter((a) => a.family === 'IPv6').map((a) => clip(a.address, 64)),
      64,
    ),
  };
}

export function readNetworkInterfaces(sysRoot = '/sys'): NetworkInterfaceInfo[] {
  const base = join(sysRoot, 'class', 'net');
  // Without sysfs (a container without /sys, another OS) Node's view stands alone.
  const sys = new Map<string, SysNetAttributes>(
    listDir(base).map((name) => [
      name,
      {
        operstate: readValue(join(base, name, 'operstate')),
        speed: readValue(join(base, name, 'speed')),
        address: readValue(join(base, name, 'address')),
      },
    ]),
  );
  return mergeInterfaces(sys, networkInterfaces());
}
