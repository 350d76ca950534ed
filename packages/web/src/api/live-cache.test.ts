import { ComputerList, ComputerSummary, fixtures, type LatestMetrics, LiveEvent } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { applyLiveEvents } from './live-cache.js';

const ID_A = '6c3f2a1e-1b2c-4d5e-8f90-1234567890ab';
const ID_B = '7d4f3b2f-2c3d-4e6f-9a01-234567890abc';
const ID_C = '8e5a4c3a-3d4e-4f7a-8b12-34567890abcd';

function metrics(at: string, cpuPercent: number): LatestMetrics {
  const s = fixtures.sample(Date.parse(at), cpuPercent);
  return {
    at,
    cpuPercent: s.cpu.percent,
    memUsedBytes: s.memory.usedBytes,
    memTotalBytes: s.memory.totalBytes,
    diskUsedBytes: 120e9,
    diskTotalBytes: 480e9,
    load1: s.load[0],
    netRxBytesPerSec: 1200,
    netTxBytesPerSec: 800,
    uptimeSec: s.uptimeSec,
  };
}

function computer(id: string, hostname: string, over: Partial<ComputerSummary> = {}): ComputerSummary {
  return ComputerSummary.parse({
    id,
    hostname,
    status: 'online',
    lastSeenAt: '2024-01-10T12:00:00.000Z',
    osName: 'Debian GNU/Linux 12',
    agentVersion: '0.1.0',
    loggedInUsers: ['student'],
    displayName: null,
    labId: null,
    seat: null,
    tags: [],
    samplesLost: 0,
    lastLossAt: null,
    metrics: metrics('2024-01-10T12:00:00.000Z', 10),
    ...over,
  });
}

function list(...items: ComputerSummary[]): ComputerList {
  return ComputerList.parse({ items, total: items.length });
}

const event = (e: unknown): LiveEvent => LiveEvent.parse(e);

describe('applyLiveEvents', () => {
  it('does nothing before the list is loaded', () => {
    expect(applyLiveEvents(undefined, [event({ type: 'hello', protocolVersion: 1, serverTime: 1 })])).toBe(
      undefined,
    );
  });

  it('returns the same object when nothing changed', () => {
    const before = list(computer(ID_A, 'pc01'));
    const after = applyLiveEvents(before, [
      event({ type: 'hello', protocolVersion: 1, serverTime: 1 }),
      event({ type: 'computer.metrics', computerId: ID_C, metrics: metrics('2024-01-10T12:00:05Z', 50) }),
    ]);
    expect(after).toBe(before);
  });

  it('applies metrics to one computer and keeps the others by reference', () => {
    const before = list(computer(ID_A, 'pc01'), computer(ID_B, 'pc02'));
    const after = applyLiveEvents(before, [
      event({
        type: 'computer.metrics',
        computerId: ID_B,
        metrics: metrics('2024-01-10T12:00:05.000Z', 55.5),
      }),
    ]);
    expect(after?.items[0]).toBe(before.items[0]);
    expect(after?.items[1]?.metrics?.cpuPercent).toBe(55.5);
    expect(after?.items[1]?.lastSeenAt).toBe('2024-01-10T12:00:05.000Z');
    expect(after?.total).toBe(2);
  });

  it('ignores a sample older than the one shown', () => {
    const before = list(computer(ID_A, 'pc01'));
    const after = applyLiveEvents(before, [
      event({ type: 'computer.metrics', computerId: ID_A, metrics: metrics('2024-01-10T11:59:00Z', 99) }),
    ]);
    expect(after).toBe(before);
  });

  it('replaces a computer on upsert and appends a new one', () => {
    const before = list(computer(ID_A, 'pc01'), computer(ID_B, 'pc02'));
    const after = applyLiveEvents(before, [
      event({ type: 'computer.upsert', computer: computer(ID_A, 'pc01', { status: 'offline' }) }),
      event({ type: 'computer.upsert', computer: computer(ID_C, 'pc03') }),
      event({ type: 'computer.metrics', computerId: ID_C, metrics: metrics('2024-01-10T12:00:10Z', 70) }),
    ]);
    expect(after?.items.map((c) => [c.hostname, c.status])).toEqual([
      ['pc01', 'offline'],
      ['pc02', 'online'],
      ['pc03', 'online'],
    ]);
    expect(after?.items[2]?.metrics?.cpuPercent).toBe(70);
    expect(after?.total).toBe(3);
    expect(before.items[0]?.status).toBe('online');
  });

  it('applies events in order', () => {
    const after = applyLiveEvents(list(computer(ID_A, 'pc01')), [
      event({ type: 'computer.metrics', computerId: ID_A, metrics: metrics('2024-01-10T12:00:01Z', 20) }),
      event({ type: 'computer.metrics', computerId: ID_A, metrics: metrics('2024-01-10T12:00:02Z', 30) }),
    ]);
    expect(after?.items[0]?.metrics?.cpuPercent).toBe(30);
  });
});
