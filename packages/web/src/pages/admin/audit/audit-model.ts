import type { AuditEntry } from '@labmgr/protocol';
import type { AuditRequest } from '../../../api/admin.js';

export const AUDIT_PAGE_SIZE = 50;

/** What the filter bar holds; dates are `YYYY-MM-DD` in the user's time zone. */
export interface AuditFilters {
  actor: string;
  action: string;
  target: string;
  fromDate: string;
  toDate: string;
}

export const NO_FILTERS: AuditFilters = { actor: '', action: '', target: '', fromDate: '', toDate: '' };

/** Action families the server records, for the action filter (it matches by prefix). */
export const ACTION_PREFIXES: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'auth.', label: 'Sign-ins and passwords (auth.)' },
  { value: 'user.', label: 'Users (user.)' },
  { value: 'token.', label: 'API tokens (token.)' },
  { value: 'enrollment_token.', label: 'Enrollment tokens (enrollment_token.)' },
  { value: 'agent.', label: 'Agent enrollment (agent.)' },
  { value: 'relay.', label: 'Relays (relay.)' },
  { value: 'computer.', label: 'Computers (computer.)' },
  { value: 'lab.', label: 'Labs (lab.)' },
  { value: 'command.', label: 'Commands (command.)' },
  { value: 'script.', label: 'Scripts (script.)' },
  { value: 'request.refused', label: 'Refused requests (request.refused)' },
  { value: 'command.refused_by_agent', label: 'Commands agents refused (command.refused_by_agent)' },
];

/** Local midnight of a `YYYY-MM-DD` date, plus `days`; null when the text is no such date. */
function localDay(date: string, days = 0): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const day = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days);
  return Number.isNaN(day.getTime()) ? null : day;
}

/**
 * The server's query for a page of filtered entries. The date range covers
 * whole local days: from the first one's midnight to the last one's end.
 */
export function auditRequest(filters: AuditFilters, page: number): AuditRequest {
  const from = localDay(filters.fromDate);
  const toNext = localDay(filters.toDate, 1);
  const text = (value: string) => value.trim() || undefined;
  return {
    actor: text(filters.actor),
    action: text(filters.action),
    target: text(filters.target),
    from: from?.toISOString(),
    to: toNext ? new Date(toNext.getTime() - 1).toISOString() : undefined,
    limit: AUDIT_PAGE_SIZE,
    offset: (Math.max(1, page) - 1) * AUDIT_PAGE_SIZE,
  };
}

export function hasFilters(filters: AuditFilters): boolean {
  return Object.values(filters).some((v) => v.trim() !== '');
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
}

const shortId = (id: string) => (/^[0-9a-f-]{36}$/i.test(id) ? id.slice(0, 8) : id);

/** Who did it: a user's name, else the kind of actor and its short id. */
export function actorLabel(entry: AuditEntry): string {
  if (entry.actorName) return entry.actorName;
  if (entry.actorType === 'system') return 'System';
  // Refused requests and failed sign-ins of unknown names come from no one signed in.
  if (entry.actorType === 'user' && entry.actorId === null) return 'Not signed in';
  // A deleted user's id means little to a reader; the filter tooltip still names it.
  if (entry.actorType === 'user') return 'Deleted user';
  const kind = entry.actorType === 'agent' ? 'Agent' : 'Relay';
  return entry.actorId ? `${kind} ${shortId(entry.actorId)}` : kind;
}

/** What it was done to, e.g. "user 1a2b3c4d"; null when the action has no target. */
export function targetLabel(entry: AuditEntry): string | null {
  if (!entry.targetId) return null;
  const type = entry.targetType?.replace(/_/g, ' ') ?? '';
  return `${type} ${shortId(entry.targetId)}`.trim();
}

function plain(value: unknown): string | null {
  if (value === null) return 'none';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/**
 * The details' simple fields on one line ("username: bob · role: viewer");
 * nested ones are left to the expanded view.
 */
export function detailsSummary(details: unknown): string {
  if (details === null || details === undefined) return '';
  if (typeof details !== 'object' || Array.isArray(details)) return plain(details) ?? '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    const text = plain(value);
    if (text !== null) parts.push(`${key}: ${text}`);
    else if (key === 'changes' && isRecord(value)) parts.push(...changeParts(value));
  }
  return parts.join(' · ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An update's `changes` (`{ role: { from, to }, password: 'reset' }`) as "role: operator → viewer". */
function changeParts(changes: Record<string, unknown>): string[] {
  const parts: string[] = [];
  for (const [field, change] of Object.entries(changes)) {
    if (isRecord(change) && 'from' in change && 'to' in change) {
      parts.push(`${field}: ${plain(change.from) ?? '…'} → ${plain(change.to) ?? '…'}`);
    } else {
      const text = plain(change);
      if (text !== null) parts.push(`${field}: ${text}`);
    }
  }
  return parts;
}

/** Whether the details hold more than the summary shows (worth expanding). */
export function hasDetails(details: unknown): boolean {
  return (
    details !== null &&
    details !== undefined &&
    !(typeof details === 'object' && Object.keys(details).length === 0)
  );
}
