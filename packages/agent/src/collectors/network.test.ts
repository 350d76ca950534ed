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
  eth0: 398636191   11183    3    7    0     0          0         0   769815    7157    1    2    0     0       0          0
wlp2s0: 10 1 0 0 0 0 0 0 20 2 0 0 0 0 0 0
docker0: 500 5 0 0 0 0 0 0 600 6 0 0 0 0 0 0
`;

describe('parseNetDev', () => {
  it('reads bytes, packets, errors and drops in each direction per interface', () => {
    const counters = parseNetDev(NET_DEV_T1);
    expect([...counters.keys()]).toEqual(['lo', 'eth0', 'wlp2s0', 'docker0']);
    expect(counters.get('eth0')).toEqual({
      rxBytes: 398636191,
      rxPackets: 11183,
      rxErrors: 3,
      rxDrops: 7,
      txBytes: 769815,
      txPackets: 7157,
      txErrors: 1,
      txDrops: 2,
    });
  });

  it('handles the old format with the first number glued to the colon', () => {
    const counters = parseNetDev('  eth0:123456 10 1 2 0 0 0 0 654321 20 3 4 0 0 0 0\n');
    expect(counters.get('eth0')).toMatchObject({ rxBytes: 123456, rxDrops: 2, txBytes: 654321, txDrops: 4 });
  });

  it('skips truncated lines', () => {
    expect(parseNetDev('  eth0: 1 2 3\n').size).toBe(0);
  });
});

describe('networkRates', () => {
  it('divides the deltas by the elapsed time, skips loopback, and zeroes resets and newcomers', () => {
    const zero = { rxPacketsPerSec: 0, txPacketsPerSec: 0, rxErrors: 0, txErrors: 0, rxDrops: 0, txDrops: 0 };
    expect(networkRates(parseNetDev(NET_DEV_T0), parseNetDev(NET_DEV_T1), 2000)).toEqual([
      {
        iface: 'eth0',
        rxBytesPerSec: 10000,
        txBytesPerSec: 5000,
        rxPacketsPerSec: 50,
        txPacketsPerSec: 50,
        // Errors and drops are counts over the interval, not rates.
        rxErrors: 3,
        txErrors: 1,
        rxDrops: 7,
        txDrops: 2,
      },
      { iface: 'wlp2s0', rxBytesPerSec: 0, txBytesPerSec: 0, ...zero },
      { iface: 'docker0', rxBytesPerSec: 0, txBytesPerSec: 0, ...zero },
    ]);
  });

  it('reports 0 when no time has passed', () => {
    const counters = parseNetDev(NET_DEV_T1);
    const rates = networkRates(parseNetDev(NET_DEV_T0), counters, 0);
    expect(rates.every((n) => n.rxBytesPerSec === 0 && n.rxErrors === 0)).toBe(true);
  });
});
