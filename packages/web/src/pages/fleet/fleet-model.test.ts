import type { ComputerSummary } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { computer, GIB, metrics } from '../../test-fixtures.js';
import {
  conditionOf,
  DEFAULT_SORT,
  filterChoices,
  filterComputers,
  NO_LAB,
  nextSort,
  sortComputers,
  summarize,
} from './fleet-model.js';

const hostnames = (items: ComputerSummary[]) => items.map((c) => c.hostname);

describe('filterComputers', () => {
  const fleet = [
    computer('LAB1-PC01'),
    computer('lab1-pc02', { status: 'offline' }),
    computer('lab2-pc01', { status: 'offline' }),
  ];

  it('matches hostnames case-insensitively', () => {
    expect(hostnames(filterComputers(fleet, { search: ' lab1 ', status: 'all' }))).toEqual([
      'LAB1-PC01',
      'lab1-pc02',
    ]);
  });

  it('filters by status', () => {
    expect(hostnames(filterComputers(fleet, { search: '', status: 'offline' }))).toEqual([
      'lab1-pc02',
      'lab2-pc01',
    ]);
    expect(hostnames(filterComputers(fleet, { search: 'pc01', status: 'online' }))).toEqual(['LAB1-PC01']);
  });
});

describe('sortComputers', () => {
  it('finds and sorts a computer by the display name it shows', () => {
    const named = [computer('pc-b'), computer('pc-a', { displayName: 'Teacher desk' }), computer('pc-c')];
    expect(hostnames(filterComputers(named, { search: 'teacher', status: 'all' }))).toEqual(['pc-a']);
    expect(hostnames(filterComputers(named, { search: 'pc-a', status: 'all' }))).toEqual(['pc-a']);
    expect(hostnames(sortComputers(named, DEFAULT_SORT))).toEqual(['pc-b', 'pc-c', 'pc-a']);
  });

  it('sorts hostnames naturally by default', () => {
    const fleet = [computer('pc10'), computer('pc2'), computer('PC1')];
    expect(hostnames(sortComputers(fleet, DEFAULT_SORT))).toEqual(['PC1', 'pc2', 'pc10']);
  });

  it('sorts by CPU either way and keeps computers without a sample last', () => {
    const fleet = [
      computer('a', { metrics: metrics({ cpuPercent: 50 }) }),
      computer('b', { metrics: null }),
      computer('c', { metrics: metrics({ cpuPercent: 90 }) }),
      computer('d', { metrics: metrics({ cpuPercent: 5 }) }),
    ];
    expect(hostnames(sortComputers(fleet, { key: 'cpu', direction: 'desc' }))).toEqual(['c', 'a', 'd', 'b']);
    expect(hostnames(sortComputers(fleet, { key: 'cpu', direction: 'asc' }))).toEqual(['d', 'a', 'c', 'b']);
  });

  it('sorts memory by share of the total, not bytes', () => {
    const fleet = [
      computer('big', { metrics: metrics({ memUsedBytes: 8 * GIB, memTotalBytes: 64 * GIB }) }),
      computer('small', { metrics: metrics({ memUsedBytes: 3 * GIB, memTotalBytes: 4 * GIB }) }),
    ];
    expect(hostnames(sortComputers(fleet, { key: 'memory', direction: 'desc' }))).toEqual(['small', 'big']);
  });

  it('breaks ties by hostname', () => {
    const fleet = [computer('b'), computer('a', { status: 'offline' }), computer('c', { status: 'offline' })];
    expect(hostnames(sortComputers(fleet, { key: 'status', direction: 'desc' }))).toEqual(['a', 'c', 'b']);
  });

  it('does not modify its input', () => {
    const fleet = [computer('b'), computer('a')];
    sortComputers(fleet, DEFAULT_SORT);
    expect(hostnames(fleet)).toEqual(['b', 'a']);
  });
});

describe('nextSort', () => {
  it('flips the direction of the sorted column', () => {
    expect(nextSort({ key: 'hostname', direction: 'asc' }, 'hostname')).toEqual({
      key: 'hostname',
      direction: 'desc',
    });
  });

  it('starts figures largest-first and names A–Z', () => {
    expect(nextSort(DEFAULT_SORT, 'cpu').direction).toBe('desc');
    expect(nextSort({ key: 'cpu', direction: 'desc' }, 'os').direction).toBe('asc');
  });
});

describe('summarize', () => {
  it('counts and averages the CPU of online computers only', () => {
    const s = summarize([
      computer('a', { metrics: metrics({ cpuPercent: 20 }) }),
      computer('b', { metrics: metrics({ cpuPercent: 40 }) }),
      computer('c', { metrics: null }),
      computer('d', { status: 'offline', metrics: metrics({ cpuPercent: 100 }) }),
    ]);
    expect(s).toEqual({ total: 4, online: 3, offline: 1, busy: 0, alerting: 0, averageCpuOnline: 30 });
  });

  it('has no average when nothing online has reported', () => {
    expect(summarize([computer('a', { status: 'offline' })]).averageCpuOnline).toBeNull();
    expect(summarize([])).toEqual({
      total: 0,
      online: 0,
      offline: 0,
      busy: 0,
      alerting: 0,
      averageCpuOnline: null,
    });
  });

  it('counts busy and alerting online computers, an alert taking precedence', () => {
    const s = summarize([
      computer('busy', { metrics: metrics({ cpuPercent: 97 }) }),
      computer('full', { metrics: metrics({ cpuPercent: 99, diskUsedBytes: 390 * GIB }) }),
      computer('off', { status: 'offline', metrics: metrics({ cpuPercent: 100 }) }),
    ]);
    expect([s.busy, s.alerting]).toEqual([1, 1]);
  });
});

describe('conditionOf', () => {
  it('is alerting for nearly full memory or disk, busy for high CPU, none offline', () => {
    expect(conditionOf(computer('a', { metrics: metrics({ memUsedBytes: 15.5 * GIB }) }))).toBe('alerting');
    expect(conditionOf(computer('b', { metrics: metrics({ cpuPercent: 85 }) }))).toBe('busy');
    expect(conditionOf(computer('c', { metrics: metrics({ cpuPercent: 84.9 }) }))).toBe('ok');
    expect(conditionOf(computer('d', { metrics: null }))).toBe('ok');
    expect(conditionOf(computer('e', { status: 'offline' }))).toBeNull();
  });
});

describe('filter by lab, tag, OS and user', () => {
  const LAB = '11111111-1111-4111-8111-111111111111';
  const fleet = [
    computer('a', { labId: LAB, tags: ['exam'], loggedInUsers: ['alice'] }),
    computer('b', { labId: null, tags: ['exam', 'gpu'], osName: 'Windows 11 Pro' }),
    computer('c', { labId: LAB, status: 'offline', samplesLost: 12, lastLossAt: '2024-01-10T11:57:00.000Z' }),
  ];
  const only = (f: Parameters<typeof filterComputers>[1]) => hostnames(filterComputers(fleet, f));

  it('narrows by each and by all together', () => {
    expect(only({ search: '', status: 'all', lab: LAB })).toEqual(['a', 'c']);
    expect(only({ search: '', status: 'all', lab: NO_LAB })).toEqual(['b']);
    expect(only({ search: '', status: 'all', tag: 'exam' })).toEqual(['a', 'b']);
    expect(only({ search: '', status: 'all', os: 'Windows 11 Pro' })).toEqual(['b']);
    expect(only({ search: 'ALI', status: 'all' })).toEqual(['a']);
    expect(only({ search: '', status: 'online', lab: LAB, tag: 'exam' })).toEqual(['a']);
    expect(only({ search: '', status: 'all', lossy: true })).toEqual(['c']);
    expect(only({ search: '', status: 'all', lossy: false })).toEqual(['a', 'b']);
    expect(only({ search: '', status: 'all', lossy: null })).toEqual(['a', 'b', 'c']);
  });

  it('offers the tags and OS names present, sorted, and counts the computers that lost samples', () => {
    expect(filterChoices(fleet)).toEqual({
      tags: ['exam', 'gpu'],
      os: ['Debian GNU/Linux 12', 'Windows 11 Pro'],
      lossy: 1,
    });
  });
});
