import type { NetworkInterfaceInfo as OsInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { mergeInterfaces } from './network-interfaces.js';

function addr(address: string, family: 'IPv4' | 'IPv6', mac: string): OsInterfaceInfo {
  return family === 'IPv4'
    ? { address, family, mac, internal: false, netmask: '255.255.255.0', cidr: `${address}/24` }
    : {
        address,
        family,
        mac,
        internal: false,
        netmask: 'ffff:ffff:ffff:ffff::',
        cidr: `${address}/64`,
        scopeid: 0,
      };
}

describe('mergeInterfaces', () => {
  it('combines link state and speed from sysfs with addresses from Node, without loopback', () => {
    const sys = new Map([
      ['lo', { operstate: 'unknown', speed: null, address: '00:00:00:00:00:00' }],
      ['eth0', { operstate: 'up', speed: '1000', address: '52:54:00:12:34:56' }],
      ['wlan0', { operstate: 'down', speed: '-1', address: 'a4:5e:60:aa:bb:cc' }],
      ['wg0', { operstate: 'unknown', speed: null, address: null }],
    ]);
    const os = {
      lo: [addr('127.0.0.1', 'IPv4', '00:00:00:00:00:00')],
      eth0: [addr('10.0.0.21', 'IPv4', '52:54:00:12:34:56'), addr('fe80::1', 'IPv6', '52:54:00:12:34:56')],
      wg0: [addr('10.8.0.2', 'IPv4', '00:00:00:00:00:00')],
    };
    expect(mergeInterfaces(sys, os)).toEqual([
      {
        name: 'eth0',
        mac: '52:54:00:12:34:56',
        ipv4: ['10.0.0.21'],
        ipv4Cidr: ['10.0.0.21/24'],
        ipv6: ['fe80::1'],
        up: true,
        speedMbps: 1000,
      },
      {
        name: 'wg0',
        mac: null,
        ipv4: ['10.8.0.2'],
        ipv4Cidr: ['10.8.0.2/24'],
        ipv6: [],
        up: true,
        speedMbps: null,
      },
      {
        name: 'wlan0',
        mac: 'a4:5e:60:aa:bb:cc',
        ipv4: [],
        ipv4Cidr: [],
        ipv6: [],
        up: false,
        speedMbps: null,
      },
    ]);
  });
});
