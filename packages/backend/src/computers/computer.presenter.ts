import {
  type ComputerDetail,
  type ComputerSummary,
  Inventory,
  LatestMetrics,
  type MetricPoint,
  type MetricSample,
  type Seat,
} from '@labmgr/protocol';
import type { ComputerRow } from './computer.repository.js';
import type { MetricSampleRow } from './metric.repository.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function parseJson<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  text: string | null,
): T | null {
  if (text === null) return null;
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** A stored JSON array of strings (tags, user names); a damaged value reads as none. */
export function parseStringList(text: string | null | undefined): string[] {
  if (!text) return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

export function seatOf(row: Pick<ComputerRow, 'seat_row' | 'seat_col'>): Seat | null {
  return row.seat_row === null || row.seat_col === null ? null : { row: row.seat_row, col: row.seat_col };
}

export function toSummary(row: ComputerRow): ComputerSummary {
  return {
    id: row.id,
    hostname: row.hostname,
    displayName: row.display_name,
    status: row.status,
    lastSeenAt: iso(row.last_seen_at),
    osName: row.os_name,
    agentVersion: row.agent_version,
    loggedInUsers: parseStringList(row.logged_in_users),
    metrics: parseJson(LatestMetrics, row.latest_metrics),
    labId: row.lab_id,
    seat: seatOf(row),
    tags: parseStringList(row.tags),
    samplesLost: Number(row.samples_lost),
    lastLossAt: iso(row.last_loss_at),
  };
}

/** The distinct user names of an inventory's sessions, as `computers.logged_in_users` keeps them. */
export function loggedInUserNames(inventory: { users: readonly { user: string }[] }): string[] {
  return [...new Set(inventory.users.map((u) => u.user))];
}

/** @param inventory the computer's `computer_inventories` text, if any. */
export function toDetail(
  row: ComputerRow,
  inventory: string | null,
  latestSample: MetricSample | null = null,
): ComputerDetail {
  return {
    ...toSummary(row),
    createdAt: new Date(row.created_at).toISOString(),
    notes: row.notes,
    inventory: parseJson(Inventory, inventory),
    inventoryUpdatedAt: iso(row.inventory_updated_at),
    latestSample,
  };
}

export function toMetricPoint(row: MetricSampleRow): MetricPoint {
  return {
    at: new Date(row.at).toISOString(),
    seq: row.seq,
    cpuPercent: row.cpu_percent,
    memUsedBytes: row.mem_used,
    memTotalBytes: row.mem_total,
    diskUsedBytes: row.disk_used,
    diskTotalBytes: row.disk_total,
    load1: row.load1,
    netRxBytesPerSec: row.net_rx,
    netTxBytesPerSec: row.net_tx,
  };
}
