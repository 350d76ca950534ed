import type { RelaySummary } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { relayStartCommand, relayStatus, sortRelays } from './relay-model.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const relay: RelaySummary = {
  id: 'r1',
  name: 'building-a',
  relayId: 'building-a',
  controlUrl: 'http://10.0.0.2:8081',
  version: '0.1.0',
  connectedAgents: 3,
  onlineComputers: 3,
  registeredAt: '2024-06-01T11:00:00Z',
  lastSeenAt: '2024-06-01T11:59:30Z',
  createdAt: '2024-01-01T00:00:00Z',
  revokedAt: null,
};

describe('relayStatus', () => {
  it('is online within 90 s of the last report, offline after', () => {
    expect(relayStatus(relay, NOW)).toBe('online');
    expect(relayStatus({ ...relay, lastSeenAt: '2024-06-01T11:58:30Z' }, NOW)).toBe('online');
    expect(relayStatus({ ...relay, lastSeenAt: '2024-06-01T11:58:29Z' }, NOW)).toBe('offline');
  });
  it('waits for a relay that never reported, and a revoked one stays revoked', () => {
    expect(relayStatus({ ...relay, lastSeenAt: null }, NOW)).toBe('waiting');
    expect(relayStatus({ ...relay, revokedAt: '2024-05-01T00:00:00Z' }, NOW)).toBe('revoked');
  });
});

describe('sortRelays', () => {
  it('puts online relays first, then by name', () => {
    const list = [
      { ...relay, id: 'x', name: 'c', revokedAt: '2024-05-01T00:00:00Z' },
      { ...relay, id: 'y', name: 'b', lastSeenAt: null },
      { ...relay, id: 'z', name: 'a', lastSeenAt: '2024-06-01T10:00:00Z' },
      { ...relay, id: 'w', name: 'd' },
    ];
    expect(sortRelays(list, NOW).map((r) => r.name)).toEqual(['d', 'a', 'b', 'c']);
  });
});

describe('relayStartCommand', () => {
  it('passes the token, name and backend through the environment', () => {
    expect(relayStartCommand('http://labs:8080', 'building-a', 'lmr_abc').split('\n')).toEqual([
      'LABMGR_RELAY_TOKEN=lmr_abc \\',
      'LABMGR_RELAY_ID=building-a \\',
      'LABMGR_BACKEND_URL=http://labs:8080 \\',
      'labmgr-relay',
    ]);
  });
});
