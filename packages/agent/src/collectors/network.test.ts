import { describe, expect, it } from 'vitest';
import { networkRates, parseNetDev } from './network.js';

const NET_DEV_T0 = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:   47811     677    0    0    0     0          0         0    47811     677    0    0    0     0       0          0
  eth0: 398616191   11083    0    0    0     0          0         0   759815    7057    0    0    0     0       0          0
wlp2s0: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0
`;

// Two seconds later; wlp2s0's driver was reloaded (counters reset), docker0 appeared.
const NET_DEV_T1 = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:   57811     777    0    0    0     0          0         0    57811     777    0    0    0     0       0          0
  eth0: 398636191   11183    0    0    0     0          0         0   769815    7157    0    0    0     0       0          0
wlp2s0: 10 1 0 0 0 0 0 0 20 2 0 0 0 0 0 0
docker0: 500 5 0 0 0 0 0 0 600 6 0 0 0 0 0 0
`;

describe('parseNetDev', () => {
  it('reads receive and transmit bytes per interface', () => {
    const counters = parseNetDev(NET_DEV_T0);
    expect([...counters.keys()]).toEqual(['lo', 'eth0', 'wlp2s0']);
    expect(counters.get('eth0')).toEqual({ rxBytes: 398616191, txBytes: 759815 });
  });

  it('handles the old format with the first number glued to the colon', () => {
    const counters = parseNetDev('  eth0:123456 10 0 0 0 0 0 0 654321 20 0 0 0 0 0 0\n');
    expect(counters.get('eth0')).toEqual({ rxBytes: 123456, txBytes: 654321 });
  });
});

describe('networkRates', () => {
  it('divides the deltas by the elapsed time, skips loopback, and zeroes resets and newcomers', () => {
    expect(networkRates(parseNetDev(NET_DEV_T0), parseNetDev(NET_DEV_T1), 2000)).toEqual([
      { iface: 'eth0', rxBytesPerSec: 10000, txBytesPerSec: 5000 },
      { iface: 'wlp2s0', rxBytesPerSec: 0, txBytesPerSec: 0 },
      { iface: 'docker0', rxBytesPerSec: 0, txBytesPerSec: 0 },
    ]);
  });

  it('reports 0 when no time has passed', () => {
    const counters = parseNetDev(NET_DEV_T1);
    expect(networkRates(parseNetDev(NET_DEV_T0), counters, 0).every((n) => n.rxBytesPerSec === 0)).toBe(true);
  });
});
