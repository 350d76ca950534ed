import type { Inventory } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { broadcastOf, macsOf, networksOf, parseCidr } from './wake-plan.js';

const inventory = (network: Partial<Inventory['network'][number]>[]): Inventory =>
  ({
    network: network.map((n) => ({
      name: 'eth0',
      mac: null,
      ipv4: [],
      ipv6: [],
      up: true,
      speedMbps: null,
      ...n,
    })),
  }) as Inventory;

describe('wake-on-LAN planning', () => {
  it('reads networks from CIDRs, and bare addresses of older agents as /24; never loopback or link-local', () => {
    const nets = networksOf(
      inventory([
        { ipv4: ['10.1.2.3'], ipv4Cidr: ['10.1.2.3/16'] },
        { name: 'wlan0', ipv4: ['192.168.5.40'] },
        { name: 'x', ipv4: ['127.0.0.1'], ipv4Cidr: ['127.0.0.1/8'] },
        { name: 'y', ipv4Cidr: ['169.254.1.1/16'] },
      ]),
    );
    expect(nets.map(broadcastOf)).toEqual(['10.1.255.255', '192.168.5.255']);
  });

  it('parses a CIDR and refuses nonsense', () => {
    expect(parseCidr('192.0.2.77/24')).toEqual({ network: 0xc0000200, mask: 0xffffff00 });
    expect(broadcastOf(parseCidr('192.0.2.77/26') ?? { network: 0, mask: 0 })).toBe('192.0.2.127');
    for (const bad of ['192.0.2.1', '300.0.0.1/24', '10.0.0.1/33', 'fe80::1/64', '10.0.0.1/4'])
      expect(parseCidr(bad)).toBeNull();
  });

  it('takes each real MAC address once, lower case', () => {
    expect(
      macsOf(
        inventory([
          { mac: 'AA:BB:CC:00:11:22' },
          { name: 'eth1', mac: 'aa:bb:cc:00:11:22' },
          { name: 'lo', mac: '00:00:00:00:00:00' },
          { name: 'wg0', mac: null },
          { name: 'odd', mac: 'not-a-mac' },
        ]),
      ),
    ).toEqual(['aa:bb:cc:00:11:22']);
    expect(macsOf(null)).toEqual([]);
  });
});
