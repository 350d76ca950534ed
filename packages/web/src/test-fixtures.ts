// Fixtures for the unit tests only: no app code imports this module.
import type { ComputerSummary, LatestMetrics } from '@labmgr/protocol';

export const GIB = 1024 ** 3;

/** A quiet computer's latest sample: 10 % CPU, a quarter of its memory, a quarter of its disk. */
export function metrics(over: Partial<LatestMetrics> = {}): LatestMetrics {
  return {
    at: '2024-01-10T12:00:00.000Z',
    cpuPercent: 10,
    memUsedBytes: 4 * GIB,
    memTotalBytes: 16 * GIB,
    diskUsedBytes: 100 * GIB,
    diskTotalBytes: 400 * GIB,
    load1: 0.5,
    netRxBytesPerSec: 1000,
    netTxBytesPerSec: 500,
    uptimeSec: 3600,
    ...over,
  };
}

let made = 0;

/**
 * An online, enrolled Debian computer in no lab, with fresh metrics. Ids count
 * up in the order computers are made, and sort in that order too.
 */
export function computer(hostname: string, over: Partial<ComputerSummary> = {}): ComputerSummary {
  made++;
  return {
    id: `00000000-0000-4000-8000-${String(made).padStart(12, '0')}`,
    hostname,
    displayName: null,
    status: 'online',
    lastSeenAt: '2024-01-10T12:00:00.000Z',
    osName: 'Debian GNU/Linux 12',
    agentVersion: '0.1.0',
    loggedInUsers: [],
    metrics: metrics(),
    labId: null,
    seat: null,
    tags: [],
    samplesLost: 0,
    lastLossAt: null,
    ...over,
  };
}

/** A computer known only by its id (also its hostname): nothing reported yet. */
export function bareComputer(id: string, over: Partial<ComputerSummary> = {}): ComputerSummary {
  return {
    id,
    hostname: id,
    displayName: null,
    status: 'online',
    lastSeenAt: null,
    osName: null,
    agentVersion: null,
    loggedInUsers: [],
    metrics: null,
    labId: null,
    seat: null,
    tags: [],
    samplesLost: 0,
    lastLossAt: null,
    ...over,
  };
}
