import type { EnrollmentToken, Lab, UserDetail } from '@labmgr/protocol';
import { formatLifetime } from '../../format/until.js';

export type TokenState = EnrollmentToken['state'];

/** How each state reads and which Mantine colour marks it. */
export const STATE_META: Record<TokenState, { label: string; color: string }> = {
  active: { label: 'Active', color: 'teal' },
  expired: { label: 'Expired', color: 'gray' },
  'used-up': { label: 'Used up', color: 'blue' },
  revoked: { label: 'Revoked', color: 'red' },
};

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Lifetimes offered for a new token (the server accepts 1 minute to 1 year). */
export const EXPIRY_CHOICES: ReadonlyArray<{ value: string; label: string }> = [
  HOUR,
  8 * HOUR,
  DAY,
  7 * DAY,
  30 * DAY,
  365 * DAY,
].map((seconds) => ({ value: String(seconds), label: formatLifetime(seconds) }));

export const DEFAULT_EXPIRY = String(DAY);

/** Who made a token: a user's name, the server's command line, or a user deleted since. */
export function creatorName(createdBy: string | null, users: ReadonlyMap<string, UserDetail>): string {
  if (createdBy === null) return 'Command line';
  const user = users.get(createdBy);
  if (!user) return 'Deleted user';
  return user.displayName ?? user.username;
}

/** The lab a token enrolls into, by name; a lab deleted since reads as such. */
export function labName(labId: string | null, labs: ReadonlyMap<string, Lab>): string | null {
  if (labId === null) return null;
  return labs.get(labId)?.name ?? 'Deleted lab';
}

export type TokenFilter = 'active' | 'all';

export function filterTokens(tokens: readonly EnrollmentToken[], filter: TokenFilter): EnrollmentToken[] {
  return filter === 'all' ? [...tokens] : tokens.filter((t) => t.state === 'active');
}

/** A short, recognisable form of a token's id (the secret itself is never listed). */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

export function byId<T extends { id: string }>(items: readonly T[] | undefined): Map<string, T> {
  return new Map((items ?? []).map((item) => [item.id, item]));
}
