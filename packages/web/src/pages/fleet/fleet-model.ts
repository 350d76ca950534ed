import type { ComputerStatus, ComputerSummary } from '@labmgr/protocol';
import { CRITICAL_PERCENT, usagePercent } from '../../format/percent.js';

/** Columns the fleet table can be sorted by. */
export type SortKey =
  | 'status'
  | 'hostname'
  | 'os'
  | 'users'
  | 'cpu'
  | 'memory'
  | 'disk'
  | 'load'
  | 'network'
  | 'uptime'
  | 'lastSeen';

export type SortDirection = 'asc' | 'desc';

export interface SortState {
  key: SortKey;
  direction: SortDirection;
}

/** `busy` and `alerting` are online computers in those conditions (see {@link conditionOf}). */
export type StatusFilter = 'all' | ComputerStatus | 'busy' | 'alerting';

/** `NO_LAB` selects computers not placed in any lab. */
export const NO_LAB = 'none';

export interface FleetFilter {
  /** Case-insensitive substring of the hostname, display name or a logged-in user; blank matches all. */
  search: string;
  status: StatusFilter;
  /** A lab id, {@link NO_LAB}, or null for every lab. */
  lab?: string | null;
  tag?: string | null;
  /** An OS name as the computers report it. */
  os?: string | null;
  /** true: only computers whose agent lost samples (`samplesLost` > 0); null: all. */
  lossy?: boolean | null;
}

/** Figures for the summary cards. */
export interface FleetSummary {
  total: number;
  online: number;
  offline: number;
  busy: number;
  alerting: number;
  /** Mean CPU of online computers that have reported a sample; null when none has. */
  averageCpuOnline: number | null;
}

/** CPU at or above this is "busy": someone is compiling, rendering, or something runs away. */
export const BUSY_CPU_PERCENT = 85;

/**
 * What needs a look on an online computer: `alerting` when memory or the
 * fullest disk is critically full (at or above {@link CRITICAL_PERCENT}),
 * else `busy` when its CPU is at or above {@link BUSY_CPU_PERCENT}, else `ok`.
 * Offline computers have no condition (their status says it).
 */
export function conditionOf(c: ComputerSummary): 'ok' | 'busy' | 'alerting' | null {
  if (c.status !== 'online') return null;
  const m = c.metrics;
  if (!m) return 'ok';
  if (
    usagePercent(m.memUsedBytes, m.memTotalBytes) >= CRITICAL_PERCENT ||
    usagePercent(m.diskUsedBytes, m.diskTotalBytes) >= CRITICAL_PERCENT
  ) {
    return 'alerting';
  }
  return m.cpuPercent >= BUSY_CPU_PERCENT ? 'busy' : 'ok';
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export const DEFAULT_SORT: SortState = { key: 'hostname', direction: 'asc' };

/** Columns that read best largest-first when first clicked. */
const DESCENDING_FIRST: ReadonlySet<SortKey> = new Set([
  'cpu',
  'memory',
  'disk',
  'load',
  'network',
  'uptime',
  'lastSeen',
  'users',
]);

/** Clicking the sorted column flips its direction; another column starts in its natural direction. */
export function nextSort(current: SortState, key: SortKey): SortState {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: DESCENDING_FIRST.has(key) ? 'desc' : 'asc' };
}

/** What the fleet shows as a computer's name: the one an administrator gave it, else its hostname. */
export function shownName(c: Pick<ComputerSummary, 'hostname' | 'displayName'>): string {
  return c.displayName ?? c.hostname;
}

function matchesStatus(c: ComputerSummary, status: StatusFilter): boolean {
  if (status === 'all') return true;
  if (status === 'online' || status === 'offline') return c.status === status;
  return conditionOf(c) === status;
}

function matchesSearch(c: ComputerSummary, needle: string): boolean {
  return (
    needle === '' ||
    c.hostname.toLowerCase().includes(needle) ||
    (c.displayName?.toLowerCase().includes(needle) ?? false) ||
    c.loggedInUsers.some((u) => u.toLowerCase().includes(needle))
  );
}

export function filterComputers(items: readonly ComputerSummary[], filter: FleetFilter): ComputerSummary[] {
  const needle = filter.search.trim().toLowerCase();
  const { lab, tag, os, lossy } = filter;
  return items.filter(
    (c) =>
      matchesStatus(c, filter.status) &&
      (lab == null || (lab === NO_LAB ? c.labId === null : c.labId === lab)) &&
      (tag == null || c.tags.includes(tag)) &&
      (os == null || c.osName === os) &&
      (lossy == null || c.samplesLost > 0 === lossy) &&
      matchesSearch(c, needle),
  );
}

/** The tags and OS names present in the fleet, sorted, and how many computers lost samples, for the filter menus. */
export function filterChoices(items: readonly ComputerSummary[]): {
  tags: string[];
  os: string[];
  lossy: number;
} {
  const tags = new Set<string>();
  const os = new Set<string>();
  let lossy = 0;
  for (const c of items) {
    for (const t of c.tags) tags.add(t);
    if (c.osName) os.add(c.osName);
    if (c.samplesLost > 0) lossy += 1;
  }
  return { tags: [...tags].sort(collator.compare), os: [...os].sort(collator.compare), lossy };
}

type SortValue = number | string | null;

/** The value a computer is sorted by in each column; null sorts last in both directions. */
function sortValue(c: ComputerSummary, key: SortKey): SortValue {
  const m = c.metrics;
  switch (key) {
    case 'status':
      return c.status === 'online' ? 0 : 1;
    case 'hostname':
      // The name the table shows.
      return shownName(c);
    case 'os':
      return c.osName;
    case 'users':
      return c.loggedInUsers.length;
    case 'cpu':
      return m ? m.cpuPercent : null;
    case 'memory':
      return m ? usagePercent(m.memUsedBytes, m.memTotalBytes) : null;
    case 'disk':
      return m ? usagePercent(m.diskUsedBytes, m.diskTotalBytes) : null;
    case 'load':
      return m ? m.load1 : null;
    case 'network':
      return m ? m.netRxBytesPerSec + m.netTxBytesPerSec : null;
    case 'uptime':
      return m && c.status === 'online' ? m.uptimeSec : null;
    case 'lastSeen':
      return c.lastSeenAt === null ? null : Date.parse(c.lastSeenAt);
  }
}

function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return 0;
}

/**
 * A sorted copy. Computers without a value for the column (no sample yet,
 * unknown OS) go last whichever the direction; ties are broken by hostname.
 */
export function sortComputers(items: readonly ComputerSummary[], sort: SortState): ComputerSummary[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  const keyed = items.map((computer) => ({ computer, value: sortValue(computer, sort.key) }));
  keyed.sort((a, b) => {
    if (a.value === null || b.value === null) {
      if (a.value !== b.value) return a.value === null ? 1 : -1;
    } else {
      const byValue = compareValues(a.value, b.value);
      if (byValue !== 0) return sign * byValue;
    }
    return collator.compare(a.computer.hostname, b.computer.hostname);
  });
  return keyed.map((k) => k.computer);
}

export function summarize(items: readonly ComputerSummary[]): FleetSummary {
  let online = 0;
  let busy = 0;
  let alerting = 0;
  let cpuSum = 0;
  let cpuCount = 0;
  for (const c of items) {
    if (c.status !== 'online') continue;
    online++;
    const condition = conditionOf(c);
    if (condition === 'busy') busy++;
    else if (condition === 'alerting') alerting++;
    if (c.metrics && Number.isFinite(c.metrics.cpuPercent)) {
      cpuSum += c.metrics.cpuPercent;
      cpuCount++;
    }
  }
  return {
    total: items.length,
    online,
    offline: items.length - online,
    busy,
    alerting,
    averageCpuOnline: cpuCount > 0 ? cpuSum / cpuCount : null,
  };
}
